package io.enginex.edge.server.cluster;

import io.enginex.edge.server.store.ConnectionHistoryStore;
import io.enginex.edge.server.store.NodeStore;
import io.enginex.edge.server.store.NodeStore.Node;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row among the hub nodes that share the database, and the leader's care of the rows of
 * nodes that are gone. Every node renews its row every {@link #BEAT}; a node not seen for {@link
 * #LOST_AFTER} is lost: the leader closes the agent connections it left open (its agents are
 * connecting to the others) and deletes its row. Thread-safe.
 */
public final class Nodes {
    /** How often a node renews its row. */
    public static final Duration BEAT = Duration.ofSeconds(2);

    /** How long a node may go unseen before it counts as lost (several beats, for a busy machine). */
    public static final Duration LOST_AFTER = Duration.ofSeconds(15);

    /** The setting every node must agree on: the hub secret's fingerprint. */
    static final String SECRET_SETTING = "hub_secret_fingerprint";

    private static final Logger log = LoggerFactory.getLogger(Nodes.class);

    private final NodeStore store;
    private final ConnectionHistoryStore connections;
    private final Cluster cluster;
    private final String name;
    private final String version;
    private final IntSupplier agents;
    private final Clock clock;
    private volatile String url;
    private volatile Instant startedAt;
    private volatile boolean joined;
    private volatile int alive = 1;

    /**
     * @param agents how many agents have an active connection to this node now
     */
    public Nodes(
            NodeStore store,
            ConnectionHistoryStore connections,
            Cluster cluster,
            String name,
            String version,
            IntSupplier agents,
            Clock clock) {
        this.store = store;
        this.connections = connections;
        this.cluster = cluster;
        this.name = name;
        this.version = version;
        this.agents = agents;
        this.clock = clock;
    }

    /**
     * Checks that this node has the hub secret of the nodes on this database (the first node to
     * start records it). Run before the node serves anything.
     *
     * @param secretFingerprint {@link io.enginex.edge.server.auth.HubSecret#fingerprint()}
     * @throws IllegalArgumentException saying what to change, when it may not
     */
    public void checkSecret(String secretFingerprint, String secretFile) {
        String agreed = store.settle(SECRET_SETTING, secretFingerprint);
        if (!agreed.equals(secretFingerprint)) {
            throw new IllegalArgumentException("this node's hub secret (" + secretFile
                    + ") differs from the one the other hub nodes on this database use, so idempotent retries and"
                    + " session page links would break between nodes; copy hub.secret from an existing node's data"
                    + " directory to this node's (owner-only, mode 600), then start again");
        }
    }

    /**
     * Writes this node's row (replacing its last run's), before the node closes what its last run left
     * open or serves anything. That no running node has the name was settled by the cluster first.
     */
    public void join() {
        this.startedAt = clock.instant();
        store.join(new Node(name, version, null, startedAt, startedAt, 0, cluster.leads()));
        joined = true;
    }

    /** The node serves at {@code url}: its row says so from the next beat on. */
    public void serving(String url) {
        this.url = url;
        beat();
    }

    /**
     * Run every {@link #BEAT} by the hub's timer: renews this node's row (writing it again if another
     * node judged it lost, as after a long pause) and, on the leader, retires lost nodes. Never throws.
     */
    public void beat() {
        if (!joined) {
            return;
        }
        try {
            Instant now = clock.instant();
            boolean leads = cluster.leads();
            Node self = new Node(name, version, url, startedAt, now, agents.getAsInt(), leads);
            if (!store.seen(self)) {
                log.atWarn()
                        .addKeyValue("node", name)
                        .log("this node's row was gone (another node judged it lost after a pause); writing it again");
                store.join(self);
            }
            List<Node> all = store.list();
            alive = (int) all.stream()
                    .filter(n -> !n.seenAt().isBefore(now.minus(LOST_AFTER)))
                    .count();
            if (leads) {
                retireLost(all, now);
            }
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("reason", e.toString())
                    .log("cannot renew this node's row in the database; retrying");
        }
    }

    private void retireLost(List<Node> all, Instant now) {
        for (Node n : all) {
            if (n.name().equals(name) || !n.seenAt().isBefore(now.minus(LOST_AFTER))) {
                continue;
            }
            int closed = connections.closeAllOf(
                    n.name(),
                    now,
                    "hub node " + n.name() + " was lost (not seen for " + LOST_AFTER.toSeconds() + " s)");
            store.remove(n.name());
            log.atWarn()
                    .addKeyValue("lostNode", n.name())
                    .addKeyValue("lastSeen", n.seenAt())
                    .addKeyValue("connectionsClosed", closed)
                    .log("hub node lost: closed the agent connections it left open; its agents reconnect to the"
                            + " other nodes");
        }
    }

    /** Deletes this node's row (it stops), if it wrote one. Never throws. */
    public void leave() {
        if (!joined) {
            return;
        }
        try {
            store.remove(name);
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("reason", e.toString()).log("cannot delete this node's row; the others retire it");
        }
    }

    /** Every node's row, this one's included. */
    public List<Node> list() {
        return store.list();
    }

    /** How many nodes were alive at the last beat, this one included (metrics). */
    public int aliveCount() {
        return alive;
    }

    /** Whether a node seen at {@code seenAt} counts as alive now. */
    public boolean alive(Instant seenAt) {
        return !seenAt.isBefore(clock.instant().minus(LOST_AFTER));
    }

    public String name() {
        return name;
    }
}
