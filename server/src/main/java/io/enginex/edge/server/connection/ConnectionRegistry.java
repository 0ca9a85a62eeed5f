package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent sockets open on this hub node. Thread-safe. Every socket is listed from upgrade to
 * close; an agent's socket becomes its <em>active</em> connection once its hello is answered, and a
 * newer active connection of the same agent replaces (and closes) the older one.
 */
public final class ConnectionRegistry {
    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    private final ConcurrentHashMap<String, AgentConnection> sockets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AgentConnection> active = new ConcurrentHashMap<>();
    private final Cluster cluster;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    public ConnectionRegistry() {
        this(Cluster.SINGLE);
    }

    /** @param cluster told when an agent is cut off, so every node closes its sockets */
    public ConnectionRegistry(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Also tells {@code listener} the tenant of every agent whose connection becomes active or ends
     * on this node, on the thread that changes it; it must not block.
     */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    private void changed(AgentConnection connection) {
        for (Consumer<String> listener : listeners) {
            listener.accept(connection.tenantId());
        }
    }

    /** Lists a socket that was just upgraded. */
    public void opened(AgentConnection connection) {
        sockets.put(connection.socketId(), connection);
    }

    /**
     * Makes {@code connection} its agent's active connection, closing an older one with {@link
     * Protocol#CLOSE_REPLACED}, and tells the other nodes, which close any socket they still hold for
     * the agent (one its network change left half-open, say).
     */
    public void activate(AgentConnection connection) {
        cluster.publish(Signal.moved(connection.tenantId(), connection.agentId(), connection.connectedAt()));
        AgentConnection previous = active.put(connection.agentId(), connection);
        if (previous != null && previous != connection) {
            log.atInfo()
                    .addKeyValue("agentId", connection.agentId())
                    .addKeyValue("oldSocket", previous.socketId())
                    .addKeyValue("newSocket", connection.socketId())
                    .log("agent connected again; closing its older connection");
            sockets.remove(previous.socketId(), previous);
            previous.close(Protocol.CLOSE_REPLACED, "replaced by a newer connection of the same agent");
        }
        changed(connection);
    }

    /** Forgets a socket that closed (or is being dropped). Idempotent. */
    public void closed(AgentConnection connection) {
        sockets.remove(connection.socketId(), connection);
        if (active.remove(connection.agentId(), connection)) {
            changed(connection);
        }
    }

    /** The socket with this id, or null. */
    public AgentConnection socket(String socketId) {
        return sockets.get(socketId);
    }

    /** The agent's active (ready) connection on this node, if it is connected here. */
    public Optional<AgentConnection> find(String tenantId, String agentId) {
        AgentConnection c = active.get(agentId);
        return c != null && c.tenantId().equals(tenantId) ? Optional.of(c) : Optional.empty();
    }

    public boolean isConnected(String tenantId, String agentId) {
        return find(tenantId, agentId).isPresent();
    }

    /** Number of agents with an active connection here. */
    public int activeCount() {
        return active.size();
    }

    /** Number of agents with an active connection here, by tenant; tenants with none are absent. */
    public Map<String, Integer> activeByTenant() {
        Map<String, Integer> counts = new HashMap<>();
        for (AgentConnection c : active.values()) {
            counts.merge(c.tenantId(), 1, Integer::sum);
        }
        return counts;
    }

    /** A snapshot of the active (ready) connections, one per agent. */
    public Collection<AgentConnection> active() {
        return List.copyOf(active.values());
    }

    /** A snapshot of all open sockets, ready or not. */
    public Collection<AgentConnection> sockets() {
        return List.copyOf(sockets.values());
    }

    /**
     * Cuts a revoked or deregistered agent off everywhere: closes its sockets here with {@link
     * Protocol#CLOSE_REVOKED} and tells the other nodes to close theirs.
     *
     * @return how many sockets were closed here
     */
    public int cutOff(String tenantId, String agentId, String reason) {
        int n = closeAgent(tenantId, agentId, Protocol.CLOSE_REVOKED, reason);
        cluster.publish(Signal.cut(tenantId, agentId));
        return n;
    }

    /** Closes every socket of this agent (ready or not) on this node with {@code code}, and forgets them. */
    public int closeAgent(String tenantId, String agentId, int code, String reason) {
        return closeWhere(c -> c.agentId().equals(agentId) && c.tenantId().equals(tenantId), code, reason);
    }

    /**
     * Another node made a socket of this agent that opened at {@code openedAt} its active connection:
     * closes with {@link Protocol#CLOSE_REPLACED} this node's sockets of the agent that opened then or
     * before (stale, or half-open after a network change), and keeps any that opened later, whose own
     * hello will replace the other node's (the newest socket wins wherever it is).
     *
     * @return how many sockets were closed here
     */
    public int closeReplaced(String tenantId, String agentId, java.time.Instant openedAt, String reason) {
        return closeWhere(
                c -> c.agentId().equals(agentId)
                        && c.tenantId().equals(tenantId)
                        && !c.connectedAt().isAfter(openedAt),
                Protocol.CLOSE_REPLACED,
                reason);
    }

    /** Closes the sockets (ready or not) that {@code which} picks with {@code code}, and forgets them. */
    private int closeWhere(java.util.function.Predicate<AgentConnection> which, int code, String reason) {
        int n = 0;
        for (AgentConnection c : sockets()) {
            if (which.test(c)) {
                closed(c);
                c.close(code, reason);
                n++;
            }
        }
        return n;
    }

    /** Closes every socket, e.g. with {@link Protocol#CLOSE_GOING_AWAY} on shutdown. */
    public void closeAll(int code, String reason) {
        for (AgentConnection c : sockets()) {
            closed(c);
            c.close(code, reason);
        }
    }
}
