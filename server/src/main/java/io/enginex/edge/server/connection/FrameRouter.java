package io.enginex.edge.server.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.AgentState;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.MessageTypes;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Printable;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.ProtocolException;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.DatabaseFailures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Reads the frames of agent connections: the hello handshake, heartbeats and bad frames here; job
 * frames go to the {@link AgentListener}. A frame that cannot be read is answered with an {@code
 * error} frame and the connection stays up. Thread-safe; called on the socket's reading thread.
 */
public final class FrameRouter {
    private static final Logger log = LoggerFactory.getLogger(FrameRouter.class);

    /** Close code for a first frame that is not hello (policy violation). */
    static final int CLOSE_NO_HELLO = 1008;

    private final MessageCodec codec;
    private final AgentStore agents;
    private final ConnectionRegistry registry;
    private final AgentListener listener;
    private final Clock clock;
    private final Duration heartbeat;
    private final String nodeName;
    private final ConnectionHistory history;
    private final TenantPolicies policies;
    private final PauseReports pauses;
    private final RepeatedLog repeats;

    /** @param policies chooses the tenant policies sent in {@code welcome} */
    public FrameRouter(
            MessageCodec codec,
            AgentStore agents,
            ConnectionRegistry registry,
            AgentListener listener,
            ConnectionHistory history,
            Clock clock,
            Duration heartbeat,
            String nodeName,
            TenantPolicies policies,
            PauseReports pauses,
            RepeatedLog repeats) {
        this.repeats = repeats;
        this.history = history;
        this.policies = policies;
        this.codec = codec;
        this.agents = agents;
        this.registry = registry;
        this.listener = listener;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.nodeName = nodeName;
        this.pauses = pauses;
    }

    /** Handles one text frame received on {@code connection}. */
    public void onFrame(AgentConnection connection, String frame) {
        connection.markFrameReceived();
        Message message;
        try {
            message = codec.decode(frame);
        } catch (ProtocolException e) {
            log.atDebug()
                    .addKeyValue("agentId", connection.agentId())
                    .addKeyValue("code", e.code())
                    .log("refused a frame: " + e.getMessage());
            sendError(connection, e.code(), e.getMessage(), codec.idOf(frame));
            return;
        }
        try {
            handle(connection, message);
        } catch (RuntimeException e) {
            if (!DatabaseFailures.isUnavailable(e)) {
                throw e;
            }
            databaseFailed(connection, message, e);
        }
    }

    /**
     * Retries what a database failure left undone on {@code connection}: answers its held hello, or
     * resends its unfinished jobs (a result the hub could not store is answered again by the agent's
     * journal). Called by {@link Resync}; throws while the database is still unavailable.
     */
    void resync(AgentConnection connection) {
        // Frames refused during the outage may include a result of a job already sent on this socket
        // (a result that arrived while the hello was held is refused whole), so every unfinished job is
        // sent again, not only those this socket never carried; the agent answers each from its journal.
        connection.forgetDeliveries();
        Hello held = connection.heldHello();
        if (held != null) {
            onHello(connection, held);
        } else {
            listener.onReady(connection);
        }
        connection.resynced();
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .log("database back: answered what the agent sent while it was unavailable");
    }

    /**
     * The socket stays open: the frame is answered with an {@code unavailable} error and the work is
     * retried when the database answers again.
     */
    private void databaseFailed(AgentConnection connection, Message message, RuntimeException e) {
        // The hello is held only while welcome has not gone out. Once it has, the agent may already be
        // sending results of jobs sent to it since, and they must be handled, not refused: only the
        // resend of unfinished jobs is left to do.
        connection.needResync(
                message instanceof Hello hello && !connection.welcomed() && connection.heldHello() == null
                        ? hello
                        : null);
        repeats.admit("agent frame: database unavailable")
                .ifPresent(silenced -> log.atWarn()
                        .addKeyValue("agentId", connection.agentId())
                        .addKeyValue("frame", typeOf(message))
                        .addKeyValue("reason", e.toString())
                        .log(repeats.describe(
                                "database unavailable while handling an agent's frame; will retry when it is back",
                                silenced)));
        sendError(
                connection,
                ErrorCodes.UNAVAILABLE,
                "the hub's database is unavailable, so this " + typeOf(message)
                        + " frame was not handled; the hub retries by itself when the database is back",
                message.id());
    }

    private void handle(AgentConnection connection, Message message) {
        if (!connection.ready() || connection.heldHello() != null) {
            if (message instanceof Hello hello) {
                onHello(connection, hello);
                connection.resynced();
            } else if (connection.heldHello() != null) {
                sendError(
                        connection,
                        ErrorCodes.UNAVAILABLE,
                        "the hub's database is unavailable and the hello is not answered yet; the hub answers it"
                                + " by itself when the database is back",
                        message.id());
            } else {
                sendError(
                        connection,
                        ErrorCodes.BAD_FRAME,
                        "the first frame must be hello, got " + typeOf(message),
                        message.id());
                connection.close(CLOSE_NO_HELLO, "the first frame must be hello");
            }
            return;
        }
        switch (message) {
            case Hello hello ->
                sendError(
                        connection, ErrorCodes.BAD_FRAME, "hello was already received on this connection", hello.id());
            case Ping ping -> connection.send(new Pong(connection.nextFrameId(), ping.id()));
            case Pong ignored -> {}
            case Ack ack -> {
                connection.markJobAlive(ack.jobId());
                listener.onAck(connection, ack);
            }
            case Progress progress -> {
                connection.markProgress();
                connection.markJobAlive(progress.jobId());
                listener.onProgress(connection, progress);
            }
            case Result result -> listener.onResult(connection, result);
            case Advertise advertise -> onAdvertise(connection, advertise);
            case AgentState state -> pauses.report(connection, state.pause());
            case ErrorFrame error ->
                log.atWarn()
                        .addKeyValue("agentId", connection.agentId())
                        .addKeyValue("code", error.code())
                        .addKeyValue("replyTo", error.replyTo())
                        .log("agent refused a frame: " + error.message());
            case Welcome w -> refuseDirection(connection, w);
            case Dispatch d -> refuseDirection(connection, d);
            case Cancel c -> refuseDirection(connection, c);
            case PolicyUpdate p -> refuseDirection(connection, p);
        }
    }

    /**
     * Handles a binary frame, which the protocol does not use: answered with a {@code bad_frame} error
     * (with an empty {@code replyTo}, as a binary frame has no id); the connection stays up.
     */
    public void onBinaryFrame(AgentConnection connection) {
        connection.markFrameReceived();
        log.atDebug().addKeyValue("agentId", connection.agentId()).log("refused a binary frame");
        sendError(
                connection,
                ErrorCodes.BAD_FRAME,
                "binary frames are not part of protocol " + Protocol.VERSION + "; send each frame as JSON text (UTF-8)",
                "");
    }

    private void onAdvertise(AgentConnection connection, Advertise advertise) {
        String tools;
        String effective;
        try {
            tools = codec.mapper().writeValueAsString(advertise.tools());
            effective = advertise.effectivePolicy() == null
                    ? null
                    : codec.mapper().writeValueAsString(advertise.effectivePolicy());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the advertisement of agent " + connection.agentId(), e);
        }
        agents.updateAdvertised(connection.tenantId(), connection.agentId(), tools, effective, clock.instant());
        connection.markAdvertised();
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("tools", advertise.tools().size())
                .addKeyValue("policyHash", advertise.policyHash())
                .log("agent advertised its effective tools and policy");
    }

    private void onHello(AgentConnection connection, Hello hello) {
        if (!Protocol.isCompatible(hello.protocol())) {
            sendError(
                    connection,
                    ErrorCodes.UNSUPPORTED_VERSION,
                    "this hub speaks protocol " + Protocol.VERSION
                            + " and the agent speaks " + hello.protocol() + "; install an agent of major version "
                            + Protocol.MAJOR,
                    hello.id());
            connection.close(Protocol.CLOSE_UNSUPPORTED, "unsupported protocol version " + hello.protocol());
            return;
        }
        String tools;
        try {
            tools = codec.mapper().writeValueAsString(hello.tools());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the tools of agent " + connection.agentId(), e);
        }
        // An agent that is already enrolled is not cut off for a cosmetic field: a hostname (or os,
        // arch, version) with control characters is stored and shown escaped, and "agent ready" warns.
        String hostname = Printable.escape(hello.hostname());
        agents.updateHello(
                connection.tenantId(),
                connection.agentId(),
                hostname,
                Printable.escape(hello.os()),
                Printable.escape(hello.arch()),
                Printable.escape(hello.agentVersion()),
                tools,
                clock.instant());
        connection.markReady(hello);
        // Before welcome and the resend of unfinished jobs, so a paused agent is not sent jobs it refuses.
        pauses.report(connection, hello.pause());
        List<TenantPolicy> tenantPolicies = agents.find(connection.tenantId(), connection.agentId())
                .map(policies::applicable)
                .orElse(List.of());
        Welcome welcome = new Welcome(
                connection.nextFrameId(),
                Protocol.VERSION,
                connection.agentId(),
                connection.tenantId(),
                heartbeat.toMillis(),
                nodeName,
                tenantPolicies);
        // Active before welcome is written (the agent may act on welcome at once, e.g. a test or a job
        // creator that asks whether it is connected), and checked for a revocation that raced with this
        // hello: revoking closes the agent's listed sockets, so it cannot miss one activated after it.
        boolean welcomed = connection.welcome(welcome, () -> {
            registry.activate(connection);
            if (agents.find(connection.tenantId(), connection.agentId())
                    .map(a -> a.revoked())
                    .orElse(true)) {
                registry.closed(connection);
                connection.close(Protocol.CLOSE_REVOKED, "agent revoked");
                return false;
            }
            return true;
        });
        if (!welcomed) {
            registry.closed(connection);
            return;
        }
        // Before the resend below: the agent answers resent jobs at once, and its frames must then be
        // handled, not refused as arriving before the (held) hello was answered.
        connection.helloAnswered();
        boolean escaped = !hostname.equals(hello.hostname());
        log.atLevel(escaped ? Level.WARN : Level.INFO)
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("tenant", connection.tenantId())
                .addKeyValue("hostname", hostname)
                .addKeyValue("agentVersion", hello.agentVersion())
                .addKeyValue("tools", hello.tools().size())
                .log(
                        escaped
                                ? "agent ready; its hostname has unprintable characters and is stored escaped"
                                : "agent ready");
        history.connected(connection);
        listener.onReady(connection);
    }

    private void refuseDirection(AgentConnection connection, Message message) {
        sendError(
                connection,
                ErrorCodes.UNKNOWN_TYPE,
                "the hub does not accept " + typeOf(message) + " frames from an agent",
                message.id());
    }

    private void sendError(AgentConnection connection, String code, String message, String replyTo) {
        connection.send(new ErrorFrame(connection.nextFrameId(), code, message, replyTo));
    }

    private static String typeOf(Message message) {
        return MessageTypes.of(message);
    }
}
