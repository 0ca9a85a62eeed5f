package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Welcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's live WebSocket on this hub node. Thread-safe: frames are sent one at a time under a
 * lock that belongs to this socket alone, so a slow agent delays only itself. A send that cannot
 * finish within {@link #SEND_TIMEOUT} drops the socket; the agent reconnects and the hub redelivers.
 *
 * <p>Lifecycle: made on upgrade (not yet {@link #ready()}), ready after its {@code hello} was
 * answered with {@code welcome}, then closed by either side. It is a channel with an identity and its
 * handshake's state; what was delivered on it is kept by {@code dispatch.Deliveries}.
 */
public final class AgentConnection {
    private static final Logger log = LoggerFactory.getLogger(AgentConnection.class);
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final String socketId;
    private final String tenantId;
    private final String agentId;
    private final Channel channel;
    private final MessageCodec codec;
    private final Clock clock;
    private final Instant connectedAt;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicLong frameIds = new AtomicLong();
    private volatile Instant lastFrameAt;
    private volatile Instant lastProgressAt;
    private volatile Hello hello;
    // Why the hub closed this socket, if it did: the close frame the agent echoes back carries no reason.
    private volatile HubClose hubClose;

    /** The close code and reason the hub itself sent on this socket. */
    public record HubClose(int code, String reason) {}

    private volatile boolean advertises;
    private volatile String updateChannel;
    private volatile Hello heldHello;
    private volatile boolean welcomed;

    public AgentConnection(
            String socketId, String tenantId, String agentId, Channel channel, MessageCodec codec, Clock clock) {
        this.socketId = socketId;
        this.tenantId = tenantId;
        this.agentId = agentId;
        this.channel = channel;
        this.codec = codec;
        this.clock = clock;
        this.connectedAt = clock.instant();
        this.lastFrameAt = connectedAt;
    }

    /**
     * Sends {@code message}, waiting until it is written. Safe to call from any thread.
     *
     * @return false if the socket is gone or too slow (it is then dropped); the caller need not
     *     retry, as unfinished jobs are redelivered on the next hello
     */
    public boolean send(Message message) {
        String text = codec.encode(message);
        sendLock.lock();
        try {
            if (!channel.isOpen()) {
                return false;
            }
            channel.sendText(text, SEND_TIMEOUT);
            return true;
        } catch (IOException e) {
            log.atWarn()
                    .addKeyValue("agentId", agentId)
                    .addKeyValue("frameType", message.getClass().getSimpleName())
                    .addKeyValue("reason", e.getMessage())
                    .log("send to agent failed; dropping the connection");
            noteHubClose(
                    1006,
                    "the hub dropped the connection: a send failed or took longer than " + SEND_TIMEOUT.toSeconds()
                            + " s");
            channel.abort();
            return false;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Makes this connection its agent's active one and sends {@code welcome} as the hub's first frame,
     * in that order and under the send lock. Whoever receives {@code welcome} can rely on the hub
     * already routing the agent's jobs here; whoever finds the connection through the registry in
     * between waits on the lock, so no frame can overtake {@code welcome}.
     *
     * @param activate registers the connection and says whether it may stay (false: the agent was
     *     revoked meanwhile; nothing is sent)
     * @return true if welcome was written; false if {@code activate} refused or the send failed
     */
    boolean welcome(Welcome welcome, BooleanSupplier activate) {
        sendLock.lock();
        try {
            return activate.getAsBoolean() && send(welcome);
        } finally {
            sendLock.unlock();
        }
    }

    /** Starts closing with {@code code}; returns at once. */
    public void close(int code, String reason) {
        noteHubClose(code, reason);
        channel.close(code, reason);
    }

    /** Drops the socket without a close handshake. */
    void abort() {
        noteHubClose(1006, "the hub dropped the connection");
        channel.abort();
    }

    private void noteHubClose(int code, String reason) {
        if (hubClose == null) {
            hubClose = new HubClose(code, reason);
        }
    }

    /** The first close the hub started on this socket, or null if it never closed it (the agent did). */
    public HubClose hubClose() {
        return hubClose;
    }

    /** A fresh frame id for a frame the hub sends on this connection ({@code h-1}, {@code h-2}, …). */
    public String nextFrameId() {
        return "h-" + frameIds.incrementAndGet();
    }

    void markFrameReceived() {
        lastFrameAt = clock.instant();
    }

    void markProgress() {
        lastProgressAt = clock.instant();
    }

    /**
     * The database failed while this connection's hello was handled, before {@code welcome} went out:
     * the hello is held, frames other than hello are refused as {@code unavailable} meanwhile, and
     * {@link Resync} answers it once the database answers.
     */
    void holdHello(Hello hello) {
        heldHello = hello;
    }

    /** The hello the hub could not answer because the database failed, or null. */
    Hello heldHello() {
        return heldHello;
    }

    /** The hello (held or not) was handled to its end: nothing is held any more. */
    void releaseHello() {
        heldHello = null;
    }

    /** The hello was answered with welcome: frames that follow are handled as usual. */
    void helloAnswered() {
        welcomed = true;
        heldHello = null;
    }

    /** Whether welcome went out on this socket. */
    boolean welcomed() {
        return welcomed;
    }

    void markReady(Hello hello) {
        this.hello = hello;
    }

    void markAdvertised() {
        advertises = true;
    }

    /**
     * Whether the agent sent {@code advertise} on this connection, i.e. understands tenant policy
     * updates; only such connections are sent {@code policy} frames.
     */
    public boolean advertises() {
        return advertises;
    }

    /** The agent sent an {@code update} report on this connection, following {@code channel}. */
    void markReportsUpdates(String channel) {
        updateChannel = channel;
    }

    /**
     * The release channel the agent last reported following on this connection, or null if it sent no
     * {@code update} report on it (an older agent): only connections that reported are sent {@code
     * release} frames.
     */
    public String updateChannel() {
        return updateChannel;
    }

    /** Whether the agent's hello was answered; only ready connections receive jobs. */
    public boolean ready() {
        return hello != null;
    }

    /** The agent's hello, or null before it arrived. */
    public Hello hello() {
        return hello;
    }

    public String socketId() {
        return socketId;
    }

    public String tenantId() {
        return tenantId;
    }

    public String agentId() {
        return agentId;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    /** When the agent last sent any frame. */
    public Instant lastFrameAt() {
        return lastFrameAt;
    }

    /**
     * When the agent last reported progress on a job over this connection, or null. A socket that is
     * up while a running job's progress stalls is an unresponsive agent, not a healthy one.
     */
    public Instant lastProgressAt() {
        return lastProgressAt;
    }

    public String remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public String toString() {
        return "AgentConnection[agentId=" + agentId + ", tenant=" + tenantId + ", socket=" + socketId + ", ready="
                + ready() + "]";
    }
}
