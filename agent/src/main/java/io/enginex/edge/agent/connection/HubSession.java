package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.ProtocolException;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import io.enginex.edge.protocol.Welcome;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket to the hub, from upgrade to close: assembles and decodes incoming frames, answers
 * pings, hands dispatch and cancel to the {@link Inbound}, and serialises outgoing frames.
 *
 * <p>The JDK's WebSocket allows one outstanding send at a time, so sends are chained: each starts
 * when the previous completed. The lock only guards appending to the chain, never the I/O itself.
 * Receive callbacks run one at a time on the HTTP client's threads; each requests the next frame when
 * done.
 */
final class HubSession implements WebSocket.Listener, Heartbeat.Peer {
    /** Sends queued behind a stuck socket beyond this count abort the session. */
    static final int MAX_PENDING_SENDS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(HubSession.class);

    private final MessageCodec codec;
    private final Inbound inbound;
    private final TenantPolicyHandler policies;
    private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
    private final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger pending = new AtomicInteger();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private final Clock clock;
    private volatile Instant lastReceivedAt;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private boolean oversized;

    /** @param clock the heartbeat's clock, read when a frame arrives */
    HubSession(MessageCodec codec, Inbound inbound, TenantPolicyHandler policies, Clock clock) {
        this.codec = codec;
        this.inbound = inbound;
        this.policies = policies;
        this.clock = clock;
        this.lastReceivedAt = clock.instant();
    }

    /** Applies tenant policies and sends the resulting {@code advertise} (if the handler gives one). */
    void applyTenantPolicies(List<TenantPolicy> tenantPolicies) {
        TenantPolicyHandler.Advertisement ad = policies.apply(tenantPolicies);
        if (ad != null) {
            send(new Advertise(nextId(), ad.tools(), ad.policyHash(), ad.effectivePolicy()));
        }
    }

    /** Stores the graphs the hub assigned (see {@link TenantPolicyHandler#assignGraphs}). */
    void assignGraphs(String tenant, io.enginex.edge.protocol.AssignedGraphs graphs) {
        try {
            policies.assignGraphs(tenant, graphs);
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("storing the graphs the hub assigned failed; the stored ones stay");
        }
    }

    /** Completes with the hub's welcome. */
    CompletableFuture<Welcome> welcome() {
        return welcome;
    }

    /** Completes once the socket is closed or failed, whichever side ended it. */
    CompletableFuture<CloseInfo> closed() {
        return closed;
    }

    @Override
    public Instant lastReceivedAt() {
        return lastReceivedAt;
    }

    @Override
    public void ping() {
        send(new Ping(nextId()));
    }

    private void answerVault(String ref, String outcome, String message) {
        send(new VaultAck(nextId(), ref, outcome, message));
    }

    /** A fresh frame id for this connection: {@code a-1}, {@code a-2}, … */
    String nextId() {
        return "a-" + ids.incrementAndGet();
    }

    /**
     * Queues {@code message}; the future completes when it was written. Never throws: a failed send
     * fails the future (the socket's failure also completes {@link #closed()}).
     */
    CompletableFuture<?> send(Message message) {
        String text = codec.encode(message);
        WebSocket ws = socket;
        if (ws == null || closed.isDone()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the connection to the hub is closed"));
        }
        if (pending.incrementAndGet() > MAX_PENDING_SENDS) {
            pending.decrementAndGet();
            abort(CloseInfo.ABNORMAL, "more than " + MAX_PENDING_SENDS + " frames waiting to be sent");
            return CompletableFuture.failedFuture(new IllegalStateException("the connection to the hub is stuck"));
        }
        sendLock.lock();
        try {
            CompletableFuture<?> next = sendChain
                    .handle((ignored, error) -> null)
                    .thenCompose(ignored -> ws.sendText(text, true))
                    .whenComplete((ignored, error) -> pending.decrementAndGet());
            sendChain = next;
            return next;
        } finally {
            sendLock.unlock();
        }
    }

    /** Starts the closing handshake after queued frames; {@link #closed()} completes when it ends. */
    void close(int code, String reason) {
        WebSocket ws = socket;
        if (ws == null || closed.isDone()) {
            return;
        }
        sendLock.lock();
        try {
            sendChain = sendChain.handle((ignored, error) -> null).thenCompose(ignored -> ws.sendClose(code, reason));
        } finally {
            sendLock.unlock();
        }
    }

    /** Drops the socket at once (no handshake) and completes {@link #closed()} with {@code code}. */
    @Override
    public void abort(int code, String reason) {
        closed.complete(new CloseInfo(code, reason));
        welcome.completeExceptionally(new IllegalStateException("connection closed: " + reason));
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    /**
     * Records the socket {@code buildAsync} returned, in case that future completes before {@link
     * #onOpen} ran; sends made right after the upgrade then find their socket.
     */
    void opened(WebSocket webSocket) {
        if (socket == null) {
            socket = webSocket;
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        lastReceivedAt = clock.instant();
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastReceivedAt = clock.instant();
        if (!oversized && partial.length() + data.length() <= codec.limits().maxFrameBytes()) {
            partial.append(data);
        } else {
            oversized = true; // keep reading to the frame's end, but not into memory
            partial.setLength(0);
        }
        if (last) {
            if (oversized) {
                oversized = false;
                send(new ErrorFrame(
                        nextId(),
                        ErrorCodes.FRAME_TOO_LARGE,
                        "frame exceeds the limit of " + codec.limits().maxFrameBytes() + " bytes",
                        ""));
            } else {
                String frame = partial.toString();
                partial.setLength(0);
                receive(frame);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastReceivedAt = clock.instant();
        if (last) {
            send(new ErrorFrame(nextId(), ErrorCodes.BAD_FRAME, "binary frames are not part of the protocol", ""));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastReceivedAt = clock.instant(); // the JDK answers the pong itself
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastReceivedAt = clock.instant();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new CloseInfo(statusCode, reason == null ? "" : reason));
        welcome.completeExceptionally(new IllegalStateException("closed by the hub: " + statusCode + " " + reason));
        return null; // the JDK then completes the closing handshake
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new CloseInfo(CloseInfo.ABNORMAL, String.valueOf(error)));
        welcome.completeExceptionally(error);
    }

    private void handOn(Message message, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            // A bug must not kill the receive loop: say so to the hub and keep the connection.
            log.atError().addKeyValue("frame", message.id()).setCause(e).log("handling a frame from the hub failed");
            send(new ErrorFrame(
                    nextId(),
                    ErrorCodes.INTERNAL,
                    "the agent failed to handle this frame: " + e.getClass().getSimpleName(),
                    message.id()));
        }
    }

    private void receive(String frame) {
        Message message;
        try {
            message = codec.decode(frame);
        } catch (ProtocolException e) {
            log.atWarn()
                    .addKeyValue("code", e.code())
                    .log("hub sent a frame this agent cannot read: " + e.getMessage());
            send(new ErrorFrame(nextId(), e.code(), e.getMessage(), codec.idOf(frame)));
            return;
        }
        switch (message) {
            case Welcome w -> welcome.complete(w);
            case Ping p -> send(new Pong(nextId(), p.id()));
            case Pong p -> {
                // Receiving it already counted as a sign of life.
            }
            case Dispatch d -> handOn(d, () -> inbound.dispatch(d));
            case Cancel c -> handOn(c, () -> inbound.cancel(c));
            case PolicyUpdate p ->
                handOn(p, () -> {
                    applyTenantPolicies(p.tenantPolicies());
                    if (p.graphs() != null && welcome.isDone()) {
                        assignGraphs(welcome.join().tenant(), p.graphs());
                    }
                });
            case ReleaseNotice r -> handOn(r, () -> inbound.release(r));
            case SecretDelivery d -> handOn(d, () -> inbound.vault().secret(d, this::answerVault));
            case VaultWipe w -> handOn(w, () -> inbound.vault().wipe(w, this::answerVault));
            case io.enginex.edge.protocol.SecretRemoval r ->
                handOn(r, () -> inbound.vault().remove(r, this::answerVault));
            case io.enginex.edge.protocol.GraphRunsAck a -> handOn(a, () -> inbound.graphRunsAcked(a));
            case io.enginex.edge.protocol.SessionEventsAck a -> handOn(a, () -> inbound.sessionEventsAcked(a));
            case io.enginex.edge.protocol.GraphOutputAck a -> handOn(a, () -> inbound.graphOutputAcked(a));
            case io.enginex.edge.protocol.GraphStart g -> handOn(g, () -> inbound.graphStart(g));
            case io.enginex.edge.protocol.GraphDecision d -> handOn(d, () -> inbound.graphDecision(d));
            case ErrorFrame e ->
                log.atWarn()
                        .addKeyValue("code", e.code())
                        .addKeyValue("replyTo", e.replyTo())
                        .log("hub refused a frame: " + e.message());
            default ->
                send(new ErrorFrame(
                        nextId(),
                        ErrorCodes.BAD_FRAME,
                        "a hub does not send "
                                + message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " frames",
                        message.id()));
        }
    }
}
