package io.enginex.edge.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.GroupCommit;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of delivery on this hub node: which jobs were sent on which agent socket and have no
 * result yet (each with its last sign of life), which sockets owe their agent a resend of every
 * unfinished job, and the rules for sending. The jobs table stays the durable truth (what is
 * unfinished, how often it was sent); this class holds only what lives and dies with a socket.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A job is sent only on its agent's active connection here, only before its deadline, and at most
 *       once per socket: the job's creator and the resend after {@code hello} can both reach it on
 *       one socket, and redelivery is only needed on a new one. {@code markDispatched} (attempt + 1)
 *       is handed to the group commit as the {@code dispatch} frame goes out, not waited for.
 *   <li>After {@code welcome} every unfinished job of the agent that this socket has not carried is
 *       sent; the agent answers a job it already ran from its journal.
 *   <li>A job's result, or its deadline passing, takes it off its socket's ledger.
 *   <li>When the database fails while work for a socket is done (a job cannot be marked sent, or a
 *       frame of the agent cannot be stored), the socket owes a resend of <em>every</em> unfinished job,
 *       also those it carried already (the hub cannot know which answers it refused); {@link #resync}
 *       does it once the database answers. Nothing is lost and nothing runs twice: the agent's journal
 *       answers a repeat.
 *   <li>A socket's ledger lives as long as the {@link ConnectionRegistry} lists the socket; a new
 *       socket of the agent starts empty, so it gets every unfinished job again.
 * </ul>
 *
 * Thread-safe: called by request threads (a job's creator, an approval), each socket's reading
 * thread, and the hub's timers; the ledger of a socket is a concurrent map and a flag, and no lock is
 * held across a send (a send takes only that socket's own lock).
 */
public final class Deliveries implements AgentStates.InFlight {
    /** How often the hub's timer should call {@link #resync()}. */
    public static final Duration RESYNC_INTERVAL = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    private final JobStore jobs;
    private final GroupCommit writes;
    private final ConnectionRegistry registry;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final Executor senders;
    // By socket, compared by identity (AgentConnection keeps Object's equality).
    private final ConcurrentHashMap<AgentConnection, Ledger> ledgers = new ConcurrentHashMap<>();

    /** What one socket has carried, and whether it owes a full resend. */
    private static final class Ledger {
        // Jobs sent on this socket and not yet answered, with when each was sent and its last sign of
        // life (sent, acknowledged or progress reported). AgentStates reads it to tell busy from hung.
        final ConcurrentHashMap<String, InFlight> sent = new ConcurrentHashMap<>();
        final AtomicBoolean resendAll = new AtomicBoolean();
        // Set by the first redeliver, which follows welcome: only then may a resync send on the socket
        // (a socket whose hello is held is sent its jobs when the hello is answered).
        volatile boolean welcomed;
    }

    /** A job on a socket: when it was sent there, and its last sign of life since. */
    private record InFlight(Instant sentAt, Instant lastSeen) {}

    /**
     * @param writes where a delivery is marked in the jobs table, without waiting for the commit
     * @param senders runs cancel sends (virtual threads), so a stalled socket does not hold up the
     *     deadline sweep
     */
    public Deliveries(
            JobStore jobs,
            GroupCommit writes,
            ConnectionRegistry registry,
            DispatchMetrics metrics,
            Clock clock,
            Executor senders) {
        this.jobs = jobs;
        this.writes = writes;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.senders = senders;
    }

    /**
     * A job was committed QUEUED (created, or approved): sends it now if its agent's active connection
     * is on this node; else the agent's next hello (or another node) sends it.
     *
     * @return the job as sent, or empty when it was not sent here
     */
    Optional<Job> offer(Job job) {
        return registry.find(job.tenantId(), job.agentId()).flatMap(c -> deliver(c, job));
    }

    /**
     * The agent's hello was answered on {@code connection}: sends every unfinished job of the agent
     * that this socket has not carried yet, or every one of them if the socket owes a full resend.
     *
     * @throws RuntimeException a database failure; the socket then still owes the resend, which
     *     {@link #resync} retries
     */
    void redeliver(AgentConnection connection) {
        Ledger ledger = ledger(connection);
        ledger.welcomed = true;
        if (ledger.resendAll.getAndSet(false)) {
            ledger.sent.clear();
        }
        try {
            List<Job> unfinished = jobs.listUnfinished(connection.tenantId(), connection.agentId());
            if (!unfinished.isEmpty()) {
                log.atInfo()
                        .addKeyValue("agentId", connection.agentId())
                        .addKeyValue("jobs", unfinished.size())
                        .log("sending unfinished jobs");
            }
            for (Job job : unfinished) {
                deliver(connection, job);
            }
        } catch (RuntimeException e) {
            if (DatabaseFailures.isUnavailable(e)) {
                ledger.resendAll.set(true);
            }
            throw e;
        }
    }

    /** The agent acknowledged or reported progress on {@code jobId}: its lease is renewed now. */
    void alive(AgentConnection connection, String jobId) {
        Ledger ledger = ledgers.get(connection);
        if (ledger != null) {
            ledger.sent.computeIfPresent(jobId, (id, previous) -> new InFlight(previous.sentAt(), clock.instant()));
        }
    }

    /**
     * The agent answered {@code jobId} on {@code connection}: it is no longer in flight there.
     *
     * @return when it was sent on this socket, or null when this socket did not carry it
     */
    Instant answered(AgentConnection connection, String jobId) {
        Ledger ledger = ledgers.get(connection);
        InFlight was = ledger == null ? null : ledger.sent.remove(jobId);
        return was == null ? null : was.sentAt();
    }

    /**
     * {@code job} passed its deadline and was marked timed out: if it was ever sent and its agent is
     * connected here, it is taken off the ledger and the agent is told to cancel it (on a sender
     * thread; returns at once).
     */
    void expired(Job job) {
        if (job.attempt() == 0) {
            return;
        }
        registry.find(job.tenantId(), job.agentId()).ifPresent(c -> {
            answered(c, job.id());
            senders.execute(() -> c.send(new Cancel(c.nextFrameId(), job.id(), "deadline passed")));
        });
    }

    /**
     * The database failed while work for {@code connection} was done: it owes its agent a resend of
     * every unfinished job, done by {@link #resync} (or the next {@link #redeliver}) once the database
     * answers.
     */
    void resendWhenBack(AgentConnection connection) {
        ledger(connection).resendAll.set(true);
    }

    /**
     * Run every {@link #RESYNC_INTERVAL} by the hub's timer: resends the unfinished jobs of every
     * welcomed socket that owes a resend (a socket whose hello is still held gets them when it is
     * answered), and forgets the ledgers of sockets no longer listed. While the database is still
     * unavailable a round stops at the first failure. Never throws.
     */
    public void resync() {
        ledgers.keySet().removeIf(c -> registry.socket(c.socketId()) != c);
        for (Map.Entry<AgentConnection, Ledger> entry : ledgers.entrySet()) {
            AgentConnection connection = entry.getKey();
            if (!entry.getValue().welcomed || !entry.getValue().resendAll.get()) {
                continue;
            }
            try {
                redeliver(connection);
                log.atInfo()
                        .addKeyValue("agentId", connection.agentId())
                        .log("database back: sent the agent's unfinished jobs again");
            } catch (RuntimeException e) {
                if (DatabaseFailures.isUnavailable(e)) {
                    return; // still down; the next round tries again
                }
                entry.getValue().resendAll.set(false);
                log.atWarn()
                        .addKeyValue("agentId", connection.agentId())
                        .setCause(e)
                        .log("cannot resend the jobs of an agent after a database failure; they are resent on its"
                                + " next hello");
            }
        }
    }

    /**
     * The jobs sent on {@code connection} that have no result yet, each with its last sign of life
     * (sent, acknowledged or progress reported). A snapshot; empty for a socket that carried none.
     */
    @Override
    public Map<String, Instant> of(AgentConnection connection) {
        Ledger ledger = ledgers.get(connection);
        if (ledger == null) {
            return Map.of();
        }
        Map<String, Instant> lastSeen = new HashMap<>();
        ledger.sent.forEach((id, inFlight) -> lastSeen.put(id, inFlight.lastSeen()));
        return Map.copyOf(lastSeen);
    }

    private Ledger ledger(AgentConnection connection) {
        return ledgers.computeIfAbsent(connection, c -> new Ledger());
    }

    /**
     * Sends {@code job} on {@code connection} unless its deadline passed or this socket carried it
     * already. The delivery is marked in the jobs table through the group commit without waiting: the
     * mark is bookkeeping (attempt, dispatched_at), not what makes a job run once. That is the agent's
     * journal, which answers a job it ran from its record. A mark that cannot be written because the
     * database is unavailable makes the socket owe a full resend, as any database failure does.
     */
    private Optional<Job> deliver(AgentConnection connection, Job job) {
        Instant now = clock.instant();
        if (!job.deadline().isAfter(now)) {
            return Optional.empty(); // the deadline sweeper times it out
        }
        Ledger ledger = ledger(connection);
        if (ledger.sent.putIfAbsent(job.id(), new InFlight(now, now)) != null) {
            return Optional.empty(); // already sent on this socket (its creator and the hello resend raced)
        }
        JsonNode args = job.args();
        if (!args.isObject()) {
            ledger.sent.remove(job.id());
            throw new IllegalStateException("job " + job.id() + " has unreadable args in the database");
        }
        Job sending = job.dispatched(now);
        writes.submit(() -> jobs.markDispatched(job.tenantId(), job.id(), now)).whenComplete((marked, failure) -> {
            if (failure != null && DatabaseFailures.isUnavailable(failure)) {
                ledger.resendAll.set(true); // sent again once the database is back
            } else if (failure != null) {
                log.atWarn()
                        .addKeyValue("jobId", job.id())
                        .setCause(failure)
                        .log("cannot mark a job as sent; it was sent");
            }
        });
        if (connection.send(new Dispatch(
                connection.nextFrameId(),
                sending.id(),
                sending.tool(),
                args,
                sending.deadline(),
                sending.attempt(),
                sending.approval() != null && sending.approval().approved()
                        ? sending.approval().by()
                        : null))) {
            metrics.dispatched(connection.tenantId());
            log.atDebug()
                    .addKeyValue("jobId", sending.id())
                    .addKeyValue("attempt", sending.attempt())
                    .log("job sent");
        }
        return Optional.of(sending);
    }
}
