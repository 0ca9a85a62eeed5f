package io.enginex.edge.agent.update;

import io.enginex.edge.common.tuf.TufException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link UpdateSource} over HTTPS: {@code <base>/metadata/<name>} and {@code <base>/targets/<path>}
 * with the agent's HTTP client (its pinned trust and proxy). Reads stop at the limit, so a
 * repository that sends endless data costs at most that many bytes; a target download continues with
 * {@code Range: bytes=N-} after the bytes already on disk.
 */
public final class HttpUpdateSource implements UpdateSource {
    private final HttpClient http;
    private final Supplier<URI> base;
    private final Duration timeout;

    /** @param base the repository, e.g. {@code https://hub.example:8443/updates} */
    public HttpUpdateSource(HttpClient http, URI base, Duration timeout) {
        this(http, () -> base, timeout);
    }

    /**
     * @param base the repository, asked again for every request: e.g. the hub address the agent is
     *     connected to now, of several (a download interrupted on one node resumes on another: every node
     *     serves the same signed files)
     */
    public HttpUpdateSource(HttpClient http, Supplier<URI> base, Duration timeout) {
        this.http = http;
        this.base = () -> URI.create(base.get().toString().replaceAll("/+$", "") + "/");
        this.timeout = timeout;
    }

    @Override
    public Optional<byte[]> metadata(String name, long maxBytes) {
        HttpResponse<InputStream> response = get("metadata/" + name, 0);
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status == 404 || status == 403) {
                return Optional.empty();
            }
            if (status != 200) {
                throw new TufException("unreachable", "GET " + base.get() + "metadata/" + name + " answered " + status);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(in, out, maxBytes, "metadata " + name);
            return Optional.of(out.toByteArray());
        } catch (IOException e) {
            throw unreachable("metadata/" + name, e);
        }
    }

    @Override
    public void target(String path, Path partial, long length) {
        try {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            if (have > length) {
                Files.delete(partial);
                have = 0;
            }
            if (have == length) {
                return;
            }
            HttpResponse<InputStream> response = get("targets/" + path, have);
            try (InputStream in = response.body()) {
                int status = response.statusCode();
                if (status == 404) {
                    throw new TufException("not_found", "the update repository has no targets/" + path);
                }
                boolean resumed = status == 206;
                if (status != 200 && !resumed) {
                    throw new TufException(
                            "unreachable", "GET " + base.get() + "targets/" + path + " answered " + status);
                }
                long start = resumed ? have : 0;
                try (OutputStream out = Files.newOutputStream(
                        partial,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    copy(in, out, length - start, "target " + path);
                }
            }
        } catch (IOException e) {
            throw unreachable("targets/" + path, e);
        }
    }

    private HttpResponse<InputStream> get(String path, long from) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.get().resolve(path))
                .timeout(timeout)
                .GET();
        if (from > 0) {
            request.header("Range", "bytes=" + from + "-");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TufException("unreachable", "interrupted while fetching " + path, e);
        }
    }

    /** Copies at most {@code max} bytes; one byte more is {@code too_large}. */
    private static void copy(InputStream in, OutputStream out, long max, String what) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > max) {
                out.write(buffer, 0, (int) (n - (total - max)));
                throw new TufException(
                        "too_large", what + " is longer than the " + max + " bytes allowed; stopped reading");
            }
            out.write(buffer, 0, n);
        }
    }

    private TufException unreachable(String path, IOException e) {
        return new TufException(
                "unreachable",
                "cannot fetch " + base.get() + path + ": " + e.getMessage()
                        + " (the download resumes at the next check)",
                e);
    }
}
