package io.enginex.edge.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.common.tuf.TufException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP source over a real HTTP server: limits hold against endless answers, and downloads resume. */
class HttpUpdateSourceTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private HttpUpdateSource source;
    private final byte[] file = new byte[200_000];
    private final AtomicReference<String> lastRange = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        new Random(3).nextBytes(file);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/updates/metadata/endless.json", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, never ending on its own
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[8192];
                Arrays.fill(chunk, (byte) ' ');
                for (int i = 0; i < 10_000; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client stopped reading: what the test wants
            }
        });
        server.createContext("/updates/targets/a/file.bin", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            lastRange.set(range);
            int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            exchange.getResponseHeaders()
                    .add("Content-Range", "bytes " + from + "-" + (file.length - 1) + "/" + file.length);
            exchange.sendResponseHeaders(range == null ? 200 : 206, file.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(file, from, file.length - from);
            }
        });
        server.start();
        source = new HttpUpdateSource(
                HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/updates"),
                Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void anEndlessAnswerIsReadOnlyUpToTheLimit() {
        assertThatThrownBy(() -> source.metadata("endless.json", 16_384))
                .isInstanceOf(TufException.class)
                .hasMessageContaining("longer than the 16384 bytes allowed")
                .extracting(e -> ((TufException) e).reason())
                .isEqualTo("too_large");
    }

    @Test
    void aMissingFileIsEmptyNotAnError() {
        assertThat(source.metadata("7.root.json", 1000)).isEmpty();
    }

    @Test
    void aDownloadContinuesAfterTheBytesAlreadyThere() throws IOException {
        Path partial = tmp.resolve("file.partial");
        Files.write(partial, Arrays.copyOf(file, 50_000));

        source.target("a/file.bin", partial, file.length);

        assertThat(lastRange.get()).isEqualTo("bytes=50000-");
        assertThat(Files.readAllBytes(partial)).isEqualTo(file);
    }

    @Test
    void theRepositoryIsAskedForEachRequestSoADownloadResumesAtTheAddressTheAgentMovedTo() throws IOException {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> otherRange = new AtomicReference<>();
        other.createContext("/updates/targets/a/file.bin", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            otherRange.set(range);
            int from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            exchange.sendResponseHeaders(206, file.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(file, from, file.length - from);
            }
        });
        other.start();
        try {
            AtomicReference<URI> connectedTo = new AtomicReference<>(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/updates"));
            HttpUpdateSource moving =
                    new HttpUpdateSource(HttpClient.newHttpClient(), connectedTo::get, Duration.ofSeconds(10));
            Path partial = tmp.resolve("file.partial");
            Files.write(partial, Arrays.copyOf(file, 70_000)); // what the first node sent before it went away

            connectedTo.set(URI.create("http://127.0.0.1:" + other.getAddress().getPort() + "/updates/"));
            moving.target("a/file.bin", partial, file.length);

            assertThat(otherRange.get()).isEqualTo("bytes=70000-");
            assertThat(lastRange.get()).as("nothing more from the first node").isNull();
            assertThat(Files.readAllBytes(partial)).isEqualTo(file);
        } finally {
            other.stop(0);
        }
    }

    @Test
    void aTargetLongerThanItsSignedLengthIsCutThere() {
        Path partial = tmp.resolve("file.partial");

        assertThatThrownBy(() -> source.target("a/file.bin", partial, 1000))
                .hasMessageContaining("longer than the 1000 bytes allowed");
        assertThat(partial.toFile().length()).isEqualTo(1000);
    }
}
