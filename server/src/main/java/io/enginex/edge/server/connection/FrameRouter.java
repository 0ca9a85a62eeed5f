package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.AgentState;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.MessageTypes;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.ProtocolException;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the frames of agent connections and routes each: {@code hello} to the {@link Handshake} (and,
 * once welcomed, {@link AgentListener#onReady}), job frames ({@code ack}, {@code progress}, {@code
 * result}) to the {@link AgentListener}, heartbeats, advertisements, pause and update reports to their
 * handlers. A frame that cannot be read is answered with an {@code error} frame and the connection
 * stays up; so is a frame whose handling found the database unavailable (the listener is told, and a
 * hello not yet answered is held for {@link Resync}). Keeps no delivery state. Thread-safe; called on
 * the socket's reading thread.
 */
public final class FrameRouter {
    private static final Logger log = LoggerFactory.getLogger(FrameRouter.class);

    /** Close code for a first frame that is not hello (policy violation). */
    static final int CLOSE_NO_HELLO = 1008;

    private final MessageCodec codec;
    private final AgentListener listener;
    private final Handshake handshake;
    private final PauseReports pauses;
    private final UpdateReports updates;
    private final RepeatedLog repeats;
    private final VaultFrames vault;
    private final GraphRunUploads graphRuns;
    private final java.util.function.Consumer<AgentConnection> graphStarts;
    private final GraphApprovalFrames graphApprovals;

    /** The approval steps of graph runs: what the agents tell, and the decisions sent after a welcome. */
    public interface GraphApprovalFrames {
        GraphApprovalFrames NONE = new GraphApprovalFrames() {};

        /** A step waits for approval (tenant and agent from the connection). */
        default void requested(AgentConnection connection, io.enginex.edge.protocol.GraphApproval frame) {}

        /** The agent answered a decision. */
        default void answered(AgentConnection connection, io.enginex.edge.protocol.GraphDecisionOutcome frame) {}

        /** A step was decided at the machine (tenant and agent from the connection). */
        default void decidedOnMachine(AgentConnection connection, io.enginex.edge.protocol.GraphLocalDecision frame) {}

        /** The agent was welcomed: the decisions waiting for it are sent. */
        default void ready(AgentConnection connection) {}
    }

    /** Stores an agent's uploaded graph runs and makes the ack (tenant and agent from the connection). */
    @FunctionalInterface
    public interface GraphRunUploads {
        GraphRunsAck receive(String tenantId, String agentId, GraphRuns frame, String ackId);

        /** Stores a chunk of a step output the agent uploads as a file; by default refuses it. */
        default io.enginex.edge.protocol.GraphOutputAck output(
                String tenantId, String agentId, io.enginex.edge.protocol.GraphOutputChunk chunk, String ackId) {
            return new io.enginex.edge.protocol.GraphOutputAck(
                    ackId,
                    chunk.id(),
                    chunk.stepId(),
                    0,
                    false,
                    new io.enginex.edge.protocol.ErrorInfo(
                            ErrorCodes.UNAVAILABLE, "this hub does not store step outputs as files"));
        }
    }

    /**
     * @param agents, registry, history, clock, heartbeat, nodeName, policies go to the {@link Handshake}
     *     this router answers hellos with ({@code policies} chooses the tenant policies sent in {@code
     *     welcome})
     */
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
            UpdateReports updates,
            RepeatedLog repeats,
            Transactions writes,
            GraphRunUploads graphRuns) {
        this(
                codec,
                agents,
                registry,
                listener,
                history,
                clock,
                heartbeat,
                nodeName,
                policies,
                pauses,
                updates,
                repeats,
                writes,
                VaultFrames.NONE,
                graphRuns,
                connection -> {},
                GraphApprovalFrames.NONE);
    }

    /**
     * @param vault takes each hello's exchange key, sends pending vault frames and records vault-acks
     * @param graphStarts sends a welcomed agent the graph starts queued for it
     * @param graphApprovals records the approval steps agents tell and sends a welcomed agent its decisions
     */
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
            UpdateReports updates,
            RepeatedLog repeats,
            Transactions writes,
            VaultFrames vault,
            GraphRunUploads graphRuns,
            java.util.function.Consumer<AgentConnection> graphStarts,
            GraphApprovalFrames graphApprovals) {
        this.graphApprovals = graphApprovals;
        this.vault = vault;
        this.graphStarts = graphStarts;
        this.codec = codec;
        this.listener = listener;
        this.handshake = new Handshake(
                codec, agents, registry, history, clock, heartbeat, nodeName, policies, pauses, updates, writes);
        this.pauses = pauses;
        this.updates = updates;
        this.repeats = repeats;
        this.graphRuns = graphRuns;
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
     * Answers the hello that a database failure left held on {@code connection} (see {@link
     * AgentConnection#holdHello}), and tells the listener the connection is ready. Called by {@link
     * Resync}; throws while the database is still unavailable.
     */
    void resync(AgentConnection connection) {
        Hello held = connection.heldHello();
        if (held == null) {
            return;
        }
        onHello(connection, held);
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .log("database back: answered the hello the agent sent while it was unavailable");
    }

    /**
     * The socket stays open: the frame is answered with an {@code unavailable} error and the work is
     * retried when the database answers again.
     */
    private void databaseFailed(AgentConnection connection, Message message, RuntimeException e) {
        // The hello is held only while welcome has not gone out. Once it has, the agent may already be
        // sending results of jobs sent to it since, and they must be handled, not refused: only the
        // resend of unfinished jobs is left to do, and that is the listener's.
        if (message instanceof Hello hello && !connection.welcomed() && connection.heldHello() == null) {
            connection.holdHello(hello);
        }
        listener.onUnavailable(connection);
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
            case Ack ack -> listener.onAck(connection, ack);
            case Progress progress -> {
                connection.markProgress();
                listener.onProgress(connection, progress);
            }
            case Result result -> listener.onResult(connection, result);
            case Advertise advertise -> handshake.advertised(connection, advertise);
            case AgentState state -> {
                pauses.report(connection, state.pause());
                java.util.List<io.enginex.edge.protocol.SessionEvent> events =
                        state.sessionEvents() == null ? java.util.List.of() : state.sessionEvents();
                if (state.sessionParts() != null || !events.isEmpty()) {
                    java.util.List<io.enginex.edge.protocol.SessionEvent> stored =
                            pauses.sessionParts(connection, state.sessionParts(), events);
                    if (!stored.isEmpty()) {
                        connection.send(new io.enginex.edge.protocol.SessionEventsAck(
                                connection.nextFrameId(), state.id(), stored));
                    }
                }
            }
            case UpdateReport report -> updates.report(connection, report);
            case VaultAck ack -> vault.answered(connection, ack);
            case GraphRuns runs ->
                connection.send(
                        graphRuns.receive(connection.tenantId(), connection.agentId(), runs, connection.nextFrameId()));
            case io.enginex.edge.protocol.GraphOutputChunk chunk ->
                connection.send(
                        graphRuns.output(connection.tenantId(), connection.agentId(), chunk, connection.nextFrameId()));
            case io.enginex.edge.protocol.GraphOutputAck a -> refuseDirection(connection, a);
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
            case ReleaseNotice r -> refuseDirection(connection, r);
            case SecretDelivery d -> refuseDirection(connection, d);
            case VaultWipe w -> refuseDirection(connection, w);
            case io.enginex.edge.protocol.SecretRemoval r -> refuseDirection(connection, r);
            case GraphRunsAck a -> refuseDirection(connection, a);
            case io.enginex.edge.protocol.SessionEventsAck a -> refuseDirection(connection, a);
            case io.enginex.edge.protocol.GraphStart g -> refuseDirection(connection, g);
            case io.enginex.edge.protocol.GraphDecision d -> refuseDirection(connection, d);
            case io.enginex.edge.protocol.GraphApproval a -> graphApprovals.requested(connection, a);
            case io.enginex.edge.protocol.GraphDecisionOutcome o -> graphApprovals.answered(connection, o);
            case io.enginex.edge.protocol.GraphLocalDecision d -> graphApprovals.decidedOnMachine(connection, d);
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

    private void onHello(AgentConnection connection, Hello hello) {
        vault.hello(connection, hello);
        boolean welcomed = handshake.answer(connection, hello);
        connection.releaseHello();
        if (welcomed) {
            listener.onReady(connection);
            sendPending(connection, () -> vault.ready(connection), "pending vault frames");
            sendPending(connection, () -> graphStarts.accept(connection), "queued graph starts");
            sendPending(connection, () -> graphApprovals.ready(connection), "graph step decisions");
        }
    }

    /**
     * Sends what waited for the agent's welcome; a failure other than the database's is logged and the
     * frames are sent at its next connect.
     */
    private void sendPending(AgentConnection connection, Runnable send, String what) {
        try {
            send.run();
        } catch (RuntimeException e) {
            if (DatabaseFailures.isUnavailable(e)) {
                throw e;
            }
            log.atWarn()
                    .addKeyValue("agentId", connection.agentId())
                    .addKeyValue("reason", e.toString())
                    .log("cannot send the agent its " + what + "; they are sent at its next connect");
        }
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
