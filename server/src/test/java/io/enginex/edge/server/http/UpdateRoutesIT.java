package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.update.Expiries;
import io.enginex.edge.server.update.UpdateRepository;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /updates}: the repository's public files, resumable, and nothing else of the data directory. */
class UpdateRoutesIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static byte[] release;
    static String sha;

    @BeforeAll
    static void publishThenStart() throws IOException {
        Path data = dir.resolve("hub");
        var repo = new UpdateRepository(UpdateRepository.dirOf(data), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        release = new byte[100_000];
        new Random(7).nextBytes(release);
        sha = TufJson.sha256(release);
        Path file = Files.write(dir.resolve("agent.tar.gz"), release);
        repo.publish("stable", "1.0.0", Map.of("linux-x64", file), List.of(repo.onlineKeysDir()));
        hub = TestHub.start(data);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(hub.url() + path)).GET();
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return hub.http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void metadataIsServedAndTheTimestampIsNotCached() {
        HttpResponse<byte[]> timestamp = get("/updates/metadata/timestamp.json", "Accept-Encoding", "gzip");
        assertThat(timestamp.statusCode()).isEqualTo(200);
        assertThat(timestamp.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(timestamp.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(TufJson.parse(timestamp.body(), "t")
                        .path("signed")
                        .path("_type")
                        .asText())
                .isEqualTo("timestamp");
        HttpResponse<byte[]> root = get("/updates/metadata/1.root.json");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("immutable"));
        assertThat(get("/updates/metadata/2.root.json").statusCode()).isEqualTo(404);
    }

    @Test
    void aTargetIsServedWholeOrFromAByteOffset() {
        String path = "/updates/targets/releases/1.0.0/linux-x64/" + sha + ".agent.tar.gz";
        assertThat(get(path).body()).isEqualTo(release);

        HttpResponse<byte[]> rest = get(path, "Range", "bytes=60000-", "Accept-Encoding", "gzip");

        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(release, 60_000, release.length));
        assertThat(rest.headers().firstValue("Content-Length")).contains(Integer.toString(release.length - 60_000));
        assertThat(rest.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void keysAndOtherFilesOfTheDataDirectoryAreNeverServed() {
        for (String path : List.of(
                "/updates/metadata/../keys/timestamp.key",
                "/updates/targets/../keys/targets.key",
                "/updates/targets/%2e%2e/keys/targets.key",
                "/updates/targets/..%2fkeys%2ftargets.key",
                "/updates/keys/targets.key",
                "/updates/metadata/repository.json",
                "/updates/targets/../../admin.key",
                "/updates/metadata/.lock")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(new String(r.body())).as(path).doesNotContain("private");
        }
    }
}
