package io.enginex.edge.server.cluster;

import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster on PostgreSQL: signals travel as {@code NOTIFY} on one channel, and the sweeps belong to
 * whichever node holds one advisory lock. PostgreSQL is the only cluster protocol: a node that dies
 * loses its lock with its session, and another node takes it within {@link #LOCK_RETRY}.
 *
 * <p>Two threads, each with a connection of its own outside the pool, so that neither waits behind
 * the requests when the pool is busy. The <em>listener</em> {@code LISTEN}s, holds this node's name
 * and holds or tries the lead, and checks itself every {@link #LOCK_RETRY}; when its connection breaks
 * it reconnects, and tells the {@link Receiver} that signals may have been missed. The
 * <em>notifier</em> sends what {@link #publish} queued, several signals to a payload and every payload
 * of a round in one statement, so a busy node pays one round trip per batch, not per job; a round that
 * fails is sent again on a new connection for up to {@link #RETRY_FOR}, then dropped (the sweeps
 * stand behind it). Signals a node sends come back to it and are dropped by the sender's id.
 */
public final class PgCluster implements Cluster {
    /** The notification channel. */
    static final String CHANNEL = "enginex_hub";

    /** The advisory lock whose holder leads; a fixed key ("EngineX" in ASCII) in this database. */
    static final long LEADER_LOCK = 0x456e67696e6558L;

    /** The class of the advisory locks that hold node names (the second key is the name's hash). */
    static final int NAME_LOCKS = 0x456e;

    /** How often a node that does not lead tries the lock, and a leader checks its connection. */
    public static final Duration LOCK_RETRY = Duration.ofSeconds(2);

    /** How long the notifier keeps trying to send one round before it drops it. */
    static final Duration RETRY_FOR = Duration.ofSeconds(10);

    // PostgreSQL refuses payloads of 8000 bytes or more.
    private static final int MAX_PAYLOAD = 7_500;
    // Beyond this many unsent signals the oldest are dropped: the sweeps stand behind every signal.
    private static final int MAX_QUEUED = 100_000;

    private static final Logger log = LoggerFactory.getLogger(PgCluster.class);

    /** What a node does with the others' signals. */
    public interface Receiver {
        /** A signal from another node. Runs on a virtual thread; may block. */
        void received(Signal signal);

        /** The listener reconnected: signals sent meanwhile may be lost, so look at the record again. */
        void missed();
    }

    private final DatabaseConfig database;
    private final String node;
    private final String sender = UUID.randomUUID().toString();
    private final LinkedBlockingQueue<Signal> outbox = new LinkedBlockingQueue<>();
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final RepeatedLog repeats;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();
    private volatile Receiver receiver;
    private volatile boolean leads;
    private volatile boolean closed;
    private Thread listener;
    private Thread notifier;

    /** @param node this node's name, shown in its connections' {@code application_name} */
    public PgCluster(DatabaseConfig database, String node, Clock clock) {
        this.database = database;
        this.node = node;
        this.repeats = new RepeatedLog(clock, Duration.ofMinutes(1));
    }

    /**
     * Connects the listener (failing if it cannot, as the hub cannot start without its database),
     * claims this node's name, tries the lead once, and starts both threads. The name is held by an
     * advisory lock of the listener's session, so it is free again the moment a node dies (its
     * session ends with its process), and a node restarted at once gets it back.
     *
     * @throws SQLException when the listener cannot connect or {@code LISTEN}
     * @throws IllegalArgumentException when a running node holds this node's name
     */
    public void start(Receiver receiver) throws SQLException {
        this.receiver = receiver;
        Connection first = listen();
        if (!claimName(first)) {
            quietlyClose(first);
            throw new IllegalArgumentException("another hub node named \"" + node
                    + "\" is running on this database; give every node its own name with --node-name, or stop the"
                    + " other one first");
        }
        leads = tryLock(first);
        listener = Thread.ofPlatform().name("hub-cluster-listen").daemon(true).start(() -> listenLoop(first));
        notifier = Thread.ofPlatform().name("hub-cluster-notify").daemon(true).start(this::notifyLoop);
        log.atInfo()
                .addKeyValue("node", node)
                .addKeyValue("leads", leads)
                .log("cluster: listening for the other nodes' signals");
    }

    @Override
    public void publish(Signal signal) {
        if (closed) {
            return;
        }
        if (outbox.size() >= MAX_QUEUED) {
            outbox.poll();
        }
        outbox.add(signal);
    }

    @Override
    public boolean leads() {
        return leads && !closed;
    }

    /** Signals sent and received so far (metrics). */
    public long sent() {
        return sent.get();
    }

    public long received() {
        return received.get();
    }

    /** {@code NOTIFY} statements sent so far, each carrying a round of signals (metrics). */
    public long statements() {
        return statements.get();
    }

    /** Signals waiting to be sent (metrics). */
    public int queued() {
        return outbox.size();
    }

    private Connection connect(String purpose) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", database.user());
        props.setProperty("password", database.password());
        props.setProperty("ApplicationName", "enginex-hub " + purpose + " " + node);
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("connectTimeout", "5");
        // A stalled server fails a statement within this many seconds; the thread then reconnects.
        props.setProperty("socketTimeout", "10");
        return DriverManager.getConnection(database.jdbcUrl(), props);
    }

    private Connection listen() throws SQLException {
        Connection c = connect("listen");
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private boolean claimName(Connection c) throws SQLException {
        try (var s = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            s.setInt(1, NAME_LOCKS);
            s.setString(2, node);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static void check(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    private void listenLoop(Connection first) {
        Connection c = first;
        long nextCheck = System.nanoTime() + LOCK_RETRY.toNanos();
        while (!closed) {
            try {
                if (c == null) {
                    c = listen();
                    if (!claimName(c)) {
                        log.atError()
                                .addKeyValue("node", node)
                                .log("cluster: another node took this node's name while the database was away;"
                                        + " two nodes now share a name: stop one and give it its own --node-name");
                    }
                    leads = tryLock(c);
                    log.atInfo()
                            .addKeyValue("leads", leads)
                            .log("cluster: listening again; looking at the record for what was missed");
                    handlers.execute(receiver::missed);
                }
                PGNotification[] notes = c.unwrap(PGConnection.class).getNotifications(500);
                if (notes != null) {
                    for (PGNotification n : notes) {
                        deliver(n.getParameter());
                    }
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    nextCheck = System.nanoTime() + LOCK_RETRY.toNanos();
                    if (leads) {
                        check(c);
                    } else if (tryLock(c)) {
                        leads = true;
                        log.atInfo().addKeyValue("node", node).log("cluster: this node now runs the sweeps");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                boolean led = leads;
                leads = false;
                quietlyClose(c);
                c = null;
                if (closed) {
                    return;
                }
                repeats.admit("listen " + e.getClass().getName())
                        .ifPresent(silenced -> log.atWarn()
                                .addKeyValue("reason", e.toString())
                                .addKeyValue("ledBefore", led)
                                .log(repeats.describe(
                                        "cluster: lost the listening connection to the database; reconnecting"
                                                + " (jobs for this node's agents are found by the sweep meanwhile)",
                                        silenced)));
                pause(Duration.ofSeconds(1));
            }
        }
        quietlyClose(c);
    }

    private void deliver(String payload) {
        int eol = payload.indexOf('\n');
        if (eol < 0 || payload.substring(0, eol).equals(sender)) {
            return; // this node's own
        }
        List<Signal> signals = new ArrayList<>();
        for (String line : payload.substring(eol + 1).split("\n")) {
            Signal.parse(line).ifPresent(signals::add);
        }
        received.addAndGet(signals.size());
        handlers.execute(() -> {
            for (Signal s : signals) {
                try {
                    receiver.received(s);
                } catch (RuntimeException e) {
                    log.atWarn()
                            .addKeyValue("signal", s.line())
                            .setCause(e)
                            .log("cluster: cannot act on another node's signal; the sweep will");
                }
            }
        });
    }

    private void notifyLoop() {
        List<Signal> round = new ArrayList<>();
        Connection c = null;
        long failingSince = 0;
        try {
            while (!closed) {
                if (round.isEmpty()) {
                    Signal first = outbox.poll(500, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    round.add(first);
                }
                outbox.drainTo(round);
                try {
                    if (c == null) {
                        c = connect("notify");
                    }
                    send(c, round);
                    round.clear();
                    failingSince = 0;
                } catch (SQLException | RuntimeException e) {
                    quietlyClose(c);
                    c = null;
                    long now = System.nanoTime();
                    failingSince = failingSince == 0 ? now : failingSince;
                    boolean drop = now - failingSince > RETRY_FOR.toNanos();
                    int signals = round.size();
                    repeats.admit("notify " + e.getClass().getName())
                            .ifPresent(silenced -> log.atWarn()
                                    .addKeyValue("reason", e.toString())
                                    .addKeyValue("signals", signals)
                                    .log(repeats.describe(
                                            drop
                                                    ? "cluster: cannot tell the other nodes; dropped the signals (they"
                                                            + " find the jobs by their sweeps)"
                                                    : "cluster: cannot tell the other nodes; trying again",
                                            silenced)));
                    if (drop) {
                        round.clear();
                        failingSince = 0;
                    }
                    Thread.sleep(Duration.ofMillis(200));
                }
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            quietlyClose(c);
        }
    }

    private void send(Connection c, List<Signal> round) throws SQLException {
        Set<String> lines = new LinkedHashSet<>();
        for (Signal s : round) {
            lines.add(s.line());
        }
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder(sender);
        for (String line : lines) {
            if (payload.length() + 1 + line.length() > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload = new StringBuilder(sender);
            }
            payload.append('\n').append(line);
        }
        payloads.add(payload.toString());
        try (var s = c.prepareStatement("SELECT count(*) FROM (SELECT pg_notify(?, p) FROM unnest(?) AS p) n")) {
            s.setString(1, CHANNEL);
            s.setArray(2, c.createArrayOf("text", payloads.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
            }
        }
        sent.addAndGet(lines.size());
        statements.incrementAndGet();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leads = false;
        for (Thread t : new Thread[] {notifier, listener}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        handlers.shutdownNow();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void quietlyClose(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // closing a broken connection
        }
    }
}
