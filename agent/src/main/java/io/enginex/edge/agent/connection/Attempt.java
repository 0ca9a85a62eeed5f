package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.RestartNotice;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one connection attempt ended, and what the loop does next: stop for good ({@code revoked}),
 * or wait and retry (after at least {@code retryAfter}; within the hub's restart window when it gave
 * one; see {@link Backoff}). The factories log the event once, in words a person can act on.
 *
 * @param welcomed the connection reached welcome (resets the backoff)
 * @param revoked non-null when retrying cannot help
 * @param retryAfter the least delay the hub asked for
 * @param restartWindow the reconnect window of the hub's restart notice, or null
 * @param problem what a person should know about how it ended (with the fix), or null
 */
record Attempt(
        boolean welcomed,
        ConnectionOutcome revoked,
        Duration retryAfter,
        Duration restartWindow,
        ConnectionProblem problem) {
    private static final Logger log = LoggerFactory.getLogger(HubConnection.class);

    static Attempt failed() {
        return new Attempt(false, null, Duration.ZERO, null, null);
    }

    /**
     * @param revoke turns the hub's reason into the outcome that stops the agent
     */
    static Attempt afterClose(CloseInfo close, boolean welcomed, Function<String, ConnectionOutcome> revoke) {
        var event = log.atInfo().addKeyValue("code", close.code()).addKeyValue("reason", close.reason());
        switch (close.code()) {
            case Protocol.CLOSE_REVOKED -> {
                return new Attempt(false, revoke.apply(close.reason()), Duration.ZERO, null, null);
            }
            case Protocol.CLOSE_REPLACED -> {
                String what = "another connection of this agent replaced this one (is the agent running twice with the"
                        + " same identity?)";
                log.atWarn().addKeyValue("code", close.code()).log(what);
                return new Attempt(
                        welcomed,
                        null,
                        Duration.ZERO,
                        null,
                        new ConnectionProblem(
                                what, "stop the other agent; if this machine was cloned, register one of them again"));
            }
            case Protocol.CLOSE_HEARTBEAT_TIMEOUT -> {
                log.atWarn()
                        .addKeyValue("code", close.code())
                        .addKeyValue("reason", close.reason())
                        .log("connection declared dead: no heartbeat");
                return new Attempt(
                        welcomed,
                        null,
                        Duration.ZERO,
                        null,
                        new ConnectionProblem(
                                "connection declared dead: no heartbeat (" + close.reason() + ")",
                                ConnectionProblem.HEARTBEAT_FIX));
            }
            case Protocol.CLOSE_GOING_AWAY -> {
                Duration window = RestartNotice.parse(close.reason())
                        .map(RestartNotice::reconnectWindow)
                        .orElse(null);
                event.addKeyValue("reconnectWindowMs", window == null ? null : window.toMillis())
                        .log(
                                window == null
                                        ? "the hub is going away (restart or shutdown)"
                                        : "the hub is going away (restart or shutdown); reconnecting at a random"
                                                + " moment within its window");
                return new Attempt(welcomed, null, Duration.ZERO, window, null);
            }
            default -> event.log("disconnected");
        }
        return new Attempt(welcomed, null, Duration.ZERO, null, null);
    }

    /** The token endpoint or the upgrade answered with an error. */
    static Attempt afterRefusal(HubRefusedException e, Function<String, ConnectionOutcome> revoke) {
        switch (e.code()) {
            case "agent_revoked", "agent_unknown" -> {
                return new Attempt(false, revoke.apply(e.hubMessage()), Duration.ZERO, null, null);
            }
            case "clock_skew" ->
                log.atWarn()
                        .addKeyValue("code", e.code())
                        .log("the hub refused this agent's clock: " + e.hubMessage()
                                + " — fix the system clock (enable NTP); retrying");
            case "assertion_invalid" ->
                log.atError()
                        .addKeyValue("code", e.code())
                        .log("the hub rejected this agent's signed assertion (" + e.hubMessage() + "); if the agent"
                                + " was re-registered elsewhere, run enginex-agent register --force; retrying");
            default ->
                log.atWarn()
                        .addKeyValue("status", e.status())
                        .addKeyValue("code", e.code())
                        .log("the hub refused the connection: " + e.getMessage());
        }
        return new Attempt(false, null, e.retryAfter(), null, ConnectionProblem.refused(e));
    }

    /** No answer: network down, hub stopped, or TLS refused its certificate. */
    static Attempt afterUnreachable(HubUnreachableException e, TrustSettings trust) {
        ConnectionProblem problem = ConnectionProblem.unreachable(e, trust);
        log.atWarn().addKeyValue("hub", e.url()).log(problem.describe());
        return new Attempt(false, null, Duration.ZERO, null, problem);
    }
}
