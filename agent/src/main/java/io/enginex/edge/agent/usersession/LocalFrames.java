package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Frames of the local channel: a 4-byte big-endian length, then that many bytes of one JSON object.
 *
 * <pre>
 * service → session  {"type":"accepted","user":"alice"}   or  {"type":"refused","message":"…"} and close
 * session → service  {"type":"hello","version":1,"user":"alice","pid":4242,
 *                     "env":{"DISPLAY":":0","WAYLAND_DISPLAY":"wayland-0","DBUS_SESSION_BUS_ADDRESS":"unix:path=…"}}
 * service → session  {"type":"welcome","user":"alice"}   or  {"type":"refused","message":"…"} and close
 * service → session  {"type":"call","id":"7","action":"launch","jobId":"j-1","args":{…}}
 * session → service  {"type":"result","id":"7","ok":true,"output":{…}}
 *                    {"type":"result","id":"7","ok":false,"code":"blocked_by_policy","message":"…"}
 * service → session  {"type":"replaced","pid":4343,"message":"…"} and close: a newer session part of the
 *                    same user took over; this one stops
 *
 * or, instead of the hello, once (enginex-agent ui):
 * session → service  {"type":"login","version":1}
 * service → session  {"type":"login","user":"alice","url":"http://127.0.0.1:PORT/login?code=…"} and close
 *
 * Windows (TokenProof: no peer credentials), the same frames except:
 * service → session  {"type":"accepted","proof":"token"}   (it cannot know the user yet)
 * session → service  the hello or login with "user":"alice","token":"…" (run\sessions\alice.token)
 * service → session  {"type":"token","file":"…\alice.token"} when it has just made that token
 *                    (session-users = *): the session part reads it and sends its frame once more
 * </pre>
 *
 * <p>Reads and writes go straight to the channel (not through {@code Channels.newInputStream}, which
 * would hold the channel's blocking lock while a read waits and so stall a concurrent write).
 */
public final class LocalFrames {
    /** Protocol version of the local channel. */
    public static final int VERSION = 1;

    /** The largest frame either side accepts. */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    private LocalFrames() {}

    /**
     * Reads one frame; blocks until it is complete.
     *
     * @throws EOFException when the peer closed the channel
     * @throws IOException for a frame over {@link #MAX_FRAME_BYTES}, one that is not a JSON object, or
     *     a failed read
     */
    public static JsonNode read(SocketChannel channel, ObjectMapper mapper) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(4);
        fill(channel, head);
        int length = head.flip().getInt();
        if (length < 2 || length > MAX_FRAME_BYTES) {
            throw new IOException("a local frame of " + length + " bytes (at most " + MAX_FRAME_BYTES + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(channel, body);
        JsonNode frame = mapper.readTree(body.array());
        if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
            throw new IOException("a local frame that is not a JSON object with a type");
        }
        return frame;
    }

    /** Writes one frame; the caller serialises writers (one frame at a time per channel). */
    public static void write(SocketChannel channel, JsonNode frame, ObjectMapper mapper) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(frame);
        if (bytes.length > MAX_FRAME_BYTES) {
            throw new IOException("a local frame of " + bytes.length + " bytes (at most " + MAX_FRAME_BYTES + ")");
        }
        ByteBuffer buffer = ByteBuffer.allocate(4 + bytes.length)
                .putInt(bytes.length)
                .put(bytes)
                .flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the other side closed the local channel");
            }
        }
    }
}
