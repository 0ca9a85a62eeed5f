package io.enginex.edge.server.connection;

import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.store.ConnectionHistoryStore;
import io.enginex.edge.server.store.ConnectionRecord;
import io.enginex.edge.server.store.GroupCommit;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each agent connection of this node to the {@link ConnectionHistoryStore} (when its hello is
 * answered, and how it closed) and counts connects and disconnects in the {@link OpsHistory}. History
 * is bounded by {@link #purge()}: nothing older than {@link #RETENTION}, at most {@link
 * #KEEP_PER_AGENT} connections per agent.
 *
 * <p>Thread-safe. Called on the socket's own thread, which hands the row's write to the group
 * commit and goes on (a connect storm or a shutdown of thousands of sockets then shares commits); a
 * database failure is logged and never breaks the connection, since history is a record, not a
 * precondition. A socket's close is written after its open: the writer keeps the order.
 */
public final class ConnectionHistory {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHistory.class);

    public static final Duration RETENTION = Duration.ofDays(30);
    public static final int KEEP_PER_AGENT = 200;

    private final ConnectionHistoryStore store;
    private final GroupCommit writes;
    private final OpsHistory ops;
    private final IdGenerator ids;
    private final Clock clock;
    private final String node;
    // socket id -> history row id, for the connections of this node that were recorded as opened
    private final ConcurrentHashMap<String, String> rows = new ConcurrentHashMap<>();

    public ConnectionHistory(
            ConnectionHistoryStore store,
            GroupCommit writes,
            OpsHistory ops,
            IdGenerator ids,
            Clock clock,
            String node) {
        this.store = store;
        this.writes = writes;
        this.ops = ops;
        this.ids = ids;
        this.clock = clock;
        this.node = node;
    }

    /**
     * Closes the rows this node left open when it last stopped without closing its sockets (crash,
     * kill -9): a node that is starting holds no connections. Run once at start.
     */
    public void nodeStarted() {
        int n = store.closeAllOf(
                node, clock.instant(), "hub node " + node + " stopped without closing this connection");
        if (n > 0) {
            log.atInfo()
                    .addKeyValue("node", node)
                    .addKeyValue("connections", n)
                    .log("closed connection history rows left open by this node's last run");
        }
    }

    /** The agent's hello was answered: its connection is open. */
    void connected(AgentConnection c) {
        ops.connected(c.tenantId());
        String id = ids.next("con");
        var row = new ConnectionRecord(
                id, c.tenantId(), c.agentId(), node, c.remoteAddress(), c.connectedAt(), null, null, null);
        rows.put(c.socketId(), id);
        write(c, () -> store.opened(row), "cannot record the agent's connection in its history");
    }

    /**
     * A socket closed with {@code code} and {@code reason} as Jetty reports them; recorded if its
     * connection was recorded as opened. When the hub closed it, the hub's own code and reason are
     * kept, since the agent's echoed close frame carries no reason.
     */
    void disconnected(AgentConnection c, Integer code, String reason) {
        String id = rows.remove(c.socketId());
        if (id == null) {
            return;
        }
        ops.disconnected(c.tenantId());
        AgentConnection.HubClose hub = c.hubClose();
        if (hub != null) {
            code = hub.code();
            reason = hub.reason();
        }
        Integer closeCode = code;
        String why = reason == null || reason.isEmpty() ? null : reason;
        var at = clock.instant();
        write(
                c,
                () -> store.closed(c.tenantId(), id, at, closeCode, why),
                "cannot record the end of the agent's connection in its history");
    }

    /** Deletes history beyond the retention bounds; run periodically. Never throws. */
    public void purge() {
        try {
            store.purge(clock.instant().minus(RETENTION), KEEP_PER_AGENT);
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("purging connection history failed; retrying later");
        }
    }

    /** Hands {@code work} to the group commit; a failure is logged as {@code failure}, never thrown. */
    private void write(AgentConnection c, Runnable work, String failure) {
        writes.submit(() -> {
                    work.run();
                    return null;
                })
                .whenComplete((done, e) -> {
                    if (e != null) {
                        log.atWarn()
                                .addKeyValue("agentId", c.agentId())
                                .setCause(e)
                                .log(failure);
                    }
                });
    }
}
