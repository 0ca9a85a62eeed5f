package io.enginex.edge.agent.network;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an HTTP/1.x response head from an untrusted server, with caps: a line of at most {@value
 * #MAX_LINE} bytes, at most {@value #MAX_HEADERS} header lines, at most {@value #MAX_INTERIM} interim
 * (1xx) responses. Then frames the body: none (HEAD, 1xx, 204, 304), chunked, {@code Content-Length},
 * or until the server closes.
 */
public final class HttpResponseHead {
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEADERS = 200;
    static final int MAX_INTERIM = 10;

    private HttpResponseHead() {}

    /**
     * A response whose body is still on the connection.
     *
     * @param headers by lower-case name, in the order received; values in the order received
     * @param body the framed body; ends where the response ends
     */
    public record Response(int status, Map<String, List<String>> headers, InputStream body, Closeable connection)
            implements Closeable {
        public Optional<String> firstValue(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    static Response read(InputStream in, boolean head, Closeable connection) throws IOException {
        for (int interim = 0; interim <= MAX_INTERIM; interim++) {
            int status = status(line(in));
            Map<String, List<String>> headers = headers(in);
            if (status >= 100 && status < 200) {
                continue; // 100 Continue and friends: the real answer follows
            }
            return new Response(
                    status, Collections.unmodifiableMap(headers), body(in, head, status, headers), connection);
        }
        throw new IOException("more than " + MAX_INTERIM + " interim (1xx) responses");
    }

    private static int status(String line) throws IOException {
        // HTTP/1.1 200 OK
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("the server did not answer with HTTP/1.x");
        }
        String code = line.substring(9, 12);
        if (!code.chars().allMatch(Character::isDigit) || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new IOException("the server answered with a malformed status line");
        }
        return Integer.parseInt(code);
    }

    private static Map<String, List<String>> headers(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int count = 0; ; count++) {
            String line = line(in);
            if (line.isEmpty()) {
                return headers;
            }
            if (count >= MAX_HEADERS) {
                throw new IOException("the response has more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0
                    || Character.isWhitespace(line.charAt(0))
                    || Character.isWhitespace(line.charAt(colon - 1))) {
                throw new IOException("the response has a malformed header line");
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
    }

    private static InputStream body(InputStream in, boolean head, int status, Map<String, List<String>> headers)
            throws IOException {
        if (head || status == 204 || status == 304) {
            return InputStream.nullInputStream();
        }
        List<String> encodings = headers.getOrDefault("transfer-encoding", List.of());
        if (!encodings.isEmpty()) {
            String last = encodings.getLast().toLowerCase(Locale.ROOT);
            if (!last.endsWith("chunked")) {
                return in; // not chunked last: the body ends when the server closes (RFC 9112 6.3)
            }
            return new ChunkedInputStream(in);
        }
        List<String> lengths = headers.getOrDefault("content-length", List.of());
        if (lengths.isEmpty()) {
            return in;
        }
        if (lengths.stream().distinct().count() != 1 || !lengths.getFirst().matches("[0-9]{1,18}")) {
            throw new IOException("the response has an invalid Content-Length");
        }
        return new BoundedInputStream(in, Long.parseLong(lengths.getFirst()));
    }

    /** One line without its CR LF (a bare LF is accepted), ISO-8859-1. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection in the middle of the response head");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("the response has a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    /** The first {@code length} bytes of a stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the server closed the connection before the end of the body");
            }
            left -= n;
            return n;
        }
    }
}
