package io.enginex.edge.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.ToolDescriptor;
import io.enginex.edge.protocol.Welcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test agent's WebSocket to the hub over {@code java.net.http}: frames arrive in a queue; hub
 * pings are answered with pongs (unless {@link #silent()}); the close code is recorded.
 */
public final class AgentSocket implements WebSocket.Listener, AutoCloseable {
    private final MessageCodec codec = new MessageCodec();
    private final BlockingQueue<Message> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile boolean answerPings = true;
    private volatile String closeReason;
    private WebSocket socket;

    /**
     * Opens a socket with {@code accessToken}.
     *
     * @throws java.util.concurrent.CompletionException wrapping a {@link
     *     java.net.http.WebSocketHandshakeException} when the hub refuses the upgrade
     */
    public static AgentSocket open(HttpClient http, String baseUrl, String accessToken) {
        return open(http, baseUrl, accessToken, Map.of());
    }

    /** Opens a socket with {@code accessToken} and more headers on the upgrade request. */
    public static AgentSocket open(HttpClient http, String baseUrl, String accessToken, Map<String, String> headers) {
        AgentSocket s = new AgentSocket();
        URI uri = URI.create(baseUrl.replaceFirst("^http", "ws") + Protocol.WEBSOCKET_PATH);
        WebSocket.Builder builder = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + accessToken)
                .connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        s.socket = builder.buildAsync(uri, s).join();
        return s;
    }

    /** Stops answering pings: the hub should then drop this socket after two heartbeats. */
    public AgentSocket silent() {
        answerPings = false;
        return this;
    }

    public String nextId() {
        return "a-" + ids.incrementAndGet();
    }

    public void send(Message message) {
        sendText(codec.encode(message));
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends one binary frame, which the protocol does not use. */
    public void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    /** Says hello offering exactly these descriptors (e.g. with an {@code approval}). */
    public Welcome helloWith(List<ToolDescriptor> descriptors) {
        send(new Hello(nextId(), Protocol.VERSION, "0.1.0-test", "Linux", "amd64", "test-host", descriptors, ""));
        return expect(Welcome.class);
    }

    /** Sends hello offering {@code tools} and returns the welcome. */
    public Welcome hello(String... tools) {
        List<ToolDescriptor> descriptors = java.util.Arrays.stream(tools)
                .map(name -> new ToolDescriptor(
                        name,
                        name,
                        "test tool",
                        codec.mapper().createObjectNode().put("type", "object"),
                        "low"))
                .toList();
        send(new Hello(nextId(), Protocol.VERSION, "0.1.0-test", "Linux", "amd64", "test-host", descriptors, ""));
        return expect(Welcome.class);
    }

    /** The next frame that is not a ping, failing after 10 s. */
    public Message next() {
        return next(Duration.ofSeconds(10));
    }

    /** The next frame that is not a ping, failing once {@code timeout} has passed (pings do not extend it). */
    public Message next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Message m = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    throw new AssertionError("no frame from the hub within " + timeout);
                }
                if (!(m instanceof Ping)) {
                    return m;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next non-ping frame, which must be of {@code type}. */
    public <T extends Message> T expect(Class<T> type) {
        Message m = next();
        assertThat(m).isInstanceOf(type);
        return type.cast(m);
    }

    /** Waits for the hub to close this socket and returns the close code. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the hub did not close the socket within " + timeout, e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            Message m = codec.decode(partial.toString());
            partial.setLength(0);
            if (m instanceof Ping ping && answerPings) {
                webSocket.sendText(codec.encode(new Pong(nextId(), ping.id())), true);
            }
            frames.add(m);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }
}
