package io.enginex.edge.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/tuf-client/client.mjs} (tuf-js, an independent TUF client installed by
 * {@code npm ci} in scripts/test-prereqs.sh) against a hub's {@code /updates} as a separate Node
 * process. One client keeps its trusted metadata in its work directory between runs, as a deployed
 * client would.
 */
public final class TufClient {
    private final HubProcess hub;
    private final Path trustedRoot;
    private final Path work;
    private final Path logDir;

    /** A client that starts by trusting {@code trustedRoot} (its pinned root) and keeps state in {@code work}. */
    public TufClient(HubProcess hub, Path trustedRoot, Path work, Path logDir) {
        this.hub = hub;
        this.trustedRoot = trustedRoot;
        this.work = work;
        this.logDir = logDir;
    }

    /** Refreshes and downloads {@code targets}; the client's one JSON line ({@code ok}, {@code targets} or {@code error}). */
    public JsonNode fetch(String... targets) {
        Path dir = Path.of(System.getProperty("enginex.tuf.client", "src/test/tuf-client"))
                .toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules/tuf-js"))) {
            throw new IllegalStateException("the TUF test client is not installed; run scripts/test-prereqs.sh"
                    + " (or: npm ci --prefix " + dir + ")");
        }
        List<String> command = new ArrayList<>(
                List.of("node", "client.mjs", hub.url() + "/updates", trustedRoot.toString(), work.toString()));
        command.addAll(List.of(targets));
        try {
            Files.createDirectories(logDir);
            Path err = Files.createTempFile(logDir, "tuf-client-", ".log");
            var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
            builder.environment()
                    .put(
                            "NODE_EXTRA_CA_CERTS",
                            hub.dataDir().resolve("tls/hub-cert.pem").toString());
            Process p = builder.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the TUF client did not finish in 120 s; stderr in " + err);
            }
            if (out.isEmpty()) {
                throw new IllegalStateException("the TUF client printed nothing; stderr: " + Files.readString(err));
            }
            return Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
