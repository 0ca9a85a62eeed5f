package io.enginex.edge.server.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.AssignedGraphs;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Printable;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Answers an agent's {@code hello}: checks the protocol version, stores what the agent says about
 * itself (and its pause), makes the connection its agent's active one and sends {@code welcome}; and
 * stores what it {@code advertise}s after that.
 * Sending the agent's jobs afterwards is the caller's ({@link FrameRouter} tells its {@link
 * AgentListener}). Called on the socket's reading thread, or by {@link Resync} for a held hello;
 * throws when the database fails.
 */
final class Handshake {
    private static final Logger log = LoggerFactory.getLogger(Handshake.class);

    private final MessageCodec codec;
    private final AgentStore agents;
    private final ConnectionRegistry registry;
    private final ConnectionHistory history;
    private final Clock clock;
    private final Duration heartbeat;
    private final String nodeName;
    private final TenantPolicies policies;
    private final PauseReports pauses;
    private final UpdateReports updates;

    private final Transactions writes;

    Handshake(
            MessageCodec codec,
            AgentStore agents,
            ConnectionRegistry registry,
            ConnectionHistory history,
            Clock clock,
            Duration heartbeat,
            String nodeName,
            TenantPolicies policies,
            PauseReports pauses,
            UpdateReports updates,
            Transactions writes) {
        this.writes = writes;
        this.codec = codec;
        this.agents = agents;
        this.registry = registry;
        this.history = history;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.nodeName = nodeName;
        this.policies = policies;
        this.pauses = pauses;
        this.updates = updates;
    }

    /**
     * @return true if {@code welcome} went out and the connection is its agent's active one; false if
     *     the hello was refused (protocol version, revoked agent) or welcome could not be written
     */
    boolean answer(AgentConnection connection, Hello hello) {
        if (!Protocol.isCompatible(hello.protocol())) {
            connection.send(new ErrorFrame(
                    connection.nextFrameId(),
                    ErrorCodes.UNSUPPORTED_VERSION,
                    "this hub speaks protocol " + Protocol.VERSION
                            + " and the agent speaks " + hello.protocol() + "; install an agent of major version "
                            + Protocol.MAJOR,
                    hello.id()));
            connection.close(Protocol.CLOSE_UNSUPPORTED, "unsupported protocol version " + hello.protocol());
            return false;
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
        // Committed before welcome (a job made right after must see the tools), in the group commit's
        // batch with the other hellos of a connect storm.
        writes.inTransaction(() -> {
            agents.updateHello(
                    connection.tenantId(),
                    connection.agentId(),
                    hostname,
                    Printable.escape(hello.os()),
                    Printable.escape(hello.arch()),
                    Printable.escape(hello.agentVersion()),
                    tools,
                    clock.instant());
            return null;
        });
        connection.markReady(hello);
        // Before welcome and the resend of unfinished jobs, so a paused agent is not sent jobs it refuses.
        pauses.report(connection, hello.pause());
        var agent = agents.find(connection.tenantId(), connection.agentId());
        List<TenantPolicy> tenantPolicies = agent.map(policies::applicable).orElse(List.of());
        AssignedGraphs graphs = agent.map(policies::graphs).orElse(null);
        Welcome welcome = new Welcome(
                connection.nextFrameId(),
                Protocol.VERSION,
                connection.agentId(),
                connection.tenantId(),
                heartbeat.toMillis(),
                nodeName,
                tenantPolicies,
                updates.pinOf(connection.tenantId()),
                graphs);
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
            return false;
        }
        // Before the caller resends unfinished jobs: the agent answers them at once, and its frames must
        // then be handled, not refused as arriving before the (held) hello was answered.
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
        return true;
    }

    /**
     * Stores the tools and effective policy the agent advertised after welcome, and notes that the
     * connection understands {@code policy} frames.
     */
    void advertised(AgentConnection connection, Advertise advertise) {
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
}
