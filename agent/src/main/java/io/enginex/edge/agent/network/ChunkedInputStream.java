package io.enginex.edge.agent.network;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a {@code Transfer-Encoding: chunked} response (RFC 9112 7.1): chunk sizes in hex,
 * extensions ignored, trailers read and dropped. Not thread-safe.
 */
final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (left == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new IOException("the server closed the connection in the middle of a chunk");
        }
        left -= n;
        if (left == 0) {
            endOfChunk();
        }
        return n;
    }

    /** Reads the next size line; false at the last chunk (after its trailers). */
    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        String line = HttpResponseHead.line(in);
        int semicolon = line.indexOf(';');
        String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
        if (!size.matches("[0-9a-fA-F]{1,15}")) {
            throw new IOException("the response has a malformed chunk size");
        }
        left = Long.parseLong(size, 16);
        if (left == 0) {
            done = true;
            for (int i = 0; !HttpResponseHead.line(in).isEmpty(); i++) {
                if (i >= HttpResponseHead.MAX_HEADERS) {
                    throw new IOException("the response has too many trailer lines");
                }
            }
            return false;
        }
        return true;
    }

    private void endOfChunk() throws IOException {
        if (!HttpResponseHead.line(in).isEmpty()) {
            throw new IOException("a chunk is longer than its size says");
        }
    }
}
