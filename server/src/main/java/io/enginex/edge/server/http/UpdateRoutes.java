package io.enginex.edge.server.http;

import io.enginex.edge.server.update.UpdateRepository;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The update repository's public files, as a TUF client fetches them (no authentication: every byte
 * is signed, and the keys are never served):
 *
 * <pre>
 * GET /updates/metadata/{N.root.json | root.json | timestamp.json | N.snapshot.json | N.targets.json}
 * GET /updates/targets/{path}   e.g. releases/1.4.0/linux-x64/&lt;sha256&gt;.enginex-agent.tar.gz
 * </pre>
 *
 * Files answer a single-range {@code Range: bytes=N-[M]} with {@code 206} (anything else gets the whole
 * file), so an interrupted download resumes. Files named by version or
 * hash never change and may be cached for a year; {@code timestamp.json} and {@code root.json} are
 * not cached. Anything else, or a missing file, is {@code 404}.
 */
final class UpdateRoutes {
    static final String PREFIX = "/updates";
    private static final Pattern METADATA =
            Pattern.compile("(?:[1-9][0-9]{0,8}\\.(?:root|targets|snapshot)|root|timestamp)\\.json");
    /** A single byte range, {@code bytes=N-} or {@code bytes=N-M} (all a resuming client sends). */
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,15})-(\\d{0,15})");

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}");

    private final UpdateRepository repository;

    UpdateRoutes(UpdateRepository repository) {
        this.repository = repository;
    }

    void register(RoutesConfig routes) {
        routes.get(PREFIX + "/metadata/{file}", this::metadata, ApiTrait.PUBLIC);
        routes.get(PREFIX + "/targets/<path>", this::target, ApiTrait.PUBLIC);
    }

    private void metadata(Context ctx) throws IOException {
        String name = ctx.pathParam("file");
        if (!METADATA.matcher(name).matches()) {
            notFound(ctx);
            return;
        }
        boolean mutable = name.equals("timestamp.json") || name.equals("root.json");
        serve(ctx, repository.metadataDir().resolve(name), "application/json", mutable);
    }

    private void target(Context ctx) throws IOException {
        String path = ctx.pathParam("path");
        String[] segments = path.split("/", -1);
        if (segments.length > 8) {
            notFound(ctx);
            return;
        }
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches() || s.contains("..")) {
                notFound(ctx);
                return;
            }
        }
        Path base = repository.targetsDir();
        Path file = base.resolve(path).normalize();
        if (!file.startsWith(base)) {
            notFound(ctx);
            return;
        }
        serve(ctx, file, "application/octet-stream", false);
    }

    private static void serve(Context ctx, Path file, String type, boolean mutable) throws IOException {
        if (!Files.isRegularFile(file)) {
            notFound(ctx);
            return;
        }
        // Byte ranges and Content-Length are of the file itself: no compression on the way out.
        ctx.disableCompression();
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", mutable ? "no-cache" : "public, max-age=31536000, immutable");
        ctx.header("Accept-Ranges", "bytes");
        long size = Files.size(file);
        long from = 0;
        long to = size - 1;
        Matcher range = RANGE.matcher(String.valueOf(ctx.header("Range")));
        if (ctx.header("Range") != null && range.matches()) {
            from = Long.parseLong(range.group(1));
            if (range.group(2) != null && !range.group(2).isEmpty()) {
                to = Math.min(to, Long.parseLong(range.group(2)));
            }
            if (from > to) {
                ctx.status(416).header("Content-Range", "bytes */" + size).result("");
                return;
            }
            ctx.status(206).header("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        ctx.contentType(type);
        long length = to - from + 1;
        ctx.header("Content-Length", Long.toString(length));
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(from);
            OutputStream out = ctx.outputStream();
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static void notFound(Context ctx) {
        ctx.status(404).contentType("text/plain; charset=utf-8").result("not found\n");
    }
}
