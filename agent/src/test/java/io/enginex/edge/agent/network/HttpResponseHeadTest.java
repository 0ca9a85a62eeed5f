package io.enginex.edge.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseHeadTest {
    private static HttpResponseHead.Response read(String raw, boolean head) throws IOException {
        return HttpResponseHead.read(
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), head, () -> {});
    }

    private static String body(HttpResponseHead.Response response) throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aChunkedBodyIsDecodedWithExtensionsAndTrailersDropped() throws IOException {
        HttpResponseHead.Response r = read(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n"
                        + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT",
                false);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("x-a")).containsExactly("1", "2");
        assertThat(body(r)).isEqualTo("hello world");
    }

    @Test
    void contentLengthEndsTheBodyAndInterimResponsesAreSkipped() throws IOException {
        HttpResponseHead.Response r =
                read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabcdef", false);

        assertThat(r.status()).isEqualTo(201);
        assertThat(body(r)).isEqualTo("abc");
    }

    @Test
    void headAnd304HaveNoBodyWhateverTheHeadersSay() throws IOException {
        assertThat(body(read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true)))
                .isEmpty();
        assertThat(body(read("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false)))
                .isEmpty();
    }

    @Test
    void hostileHeadsAreRefused() {
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n\r\n", false)).hasMessageContaining("HTTP/1.x");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nX: " + "a".repeat(10_000) + "\r\n\r\n", false))
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n" + "X: 1\r\n".repeat(300) + "\r\n", false))
                .hasMessageContaining("header lines");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", false))
                .hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", false))
                .hasMessageContaining("malformed header");
        assertThatThrownBy(() -> body(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false)))
                .hasMessageContaining("chunk size");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n", false))
                .hasMessageContaining("closed the connection");
    }
}
