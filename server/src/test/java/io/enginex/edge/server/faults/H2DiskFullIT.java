package io.enginex.edge.server.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database on a small tmpfs that fills up: requests get 503 (not 500) while the disk is
 * full, and the hub works again by itself once space is freed, without a restart. Needs root for the
 * mount (CI runs as root); skipped with a message elsewhere.
 */
class H2DiskFullIT {
    @TempDir
    Path tmp;

    @Test
    void theEmbeddedDatabaseRecoversFromAFullDiskOnceSpaceIsFreed() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("small-disk"));
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString()) == 0,
                "cannot mount a tmpfs (needs root, as in CI); skipping the full-disk test");
        try (TestHub hub = TestHub.start(mount.resolve("hub"))) {
            String tenant = hub.newTenant();
            Path filler = mount.resolve("filler");
            fill(filler);

            await("a write fails with the disk full")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        Response r = createSession(hub, tenant);
                        assertThat(r.status())
                                .as("a full disk is never a 500: %s", r.text())
                                .isNotEqualTo(500);
                        return r.status() == 503;
                    });
            assertThat(createSession(hub, tenant).headers().firstValue("Retry-After"))
                    .isPresent();

            Files.delete(filler);

            await("the hub writes again once space is freed")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> createSession(hub, tenant).status() == 201);
            assertThat(hub.api().get("/readyz", null).status()).isEqualTo(200);
            assertThat(hub.api()
                            .get("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey())
                            .status())
                    .isEqualTo(200);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static Response createSession(TestHub hub, String tenant) {
        return hub.api().post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of("name", "x"));
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // no space left on device: what we wanted
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
