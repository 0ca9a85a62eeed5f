package io.enginex.edge.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.GroupCommit;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
 *       one socket, and redelivery is only needed on a new one.
 *   <li>A delivery is recorded in the jobs table (state dispatched or running, attempt, times) only
 *       when it matters: once the job has been in flight {@link #MARK_AFTER} without a result
 *       ({@link #writeMarks}, on the hub's timer, one group-commit unit for all that are due), or
 *       when its socket is replaced by the agent's next one (written, and waited for, before the new
 *       socket's resend reads the jobs, so the resend counts the attempt). A job answered sooner is
 *       never marked: its result records when it was sent and which attempt it was, so a fast job
 *       costs two writes, created and finished. The marks are bookkeeping; what makes a job run once
 *       is the agent's journal.
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

    /** How long a job is in flight without a result before its delivery is written. */
    public static final Duration MARK_AFTER = Duration.ofMillis(500);

    /** How often the hub's timer should call {@link #writeMarks()}. */
    public static final Duration MARK_INTERVAL = Duration.ofMillis(100);

    // How long a new socket's resend waits for the marks of the socket it replaces.
    private static final Duration MARKS_WAIT = Duration.ofSeconds(10);

    // The most queued jobs one cluster sweep reads.
    private static final int SWEEP_LIMIT = 1_000;

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

    private final JobStore jobs;
    private final GroupCommit writes;
    private final ConnectionRegistry registry;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final Executor senders;
    private final Cluster cluster;
    // By socket, compared by identity (AgentConnection keeps Object's equality).
    private final ConcurrentHashMap<AgentConnection, Ledger> ledgers = new ConcurrentHashMap<>();
    // Each agent's latest socket's ledger, kept after the socket closes until its marks are written,
    // so that the agent's next socket can wait for them.
    private final ConcurrentHashMap<String, Ledger> latest = new ConcurrentHashMap<>();
    // Deliveries whose mark may come due, in the order they were sent.
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

    /** What one socket has carried, and whether it owes a full resend. */
    private static final class Ledger {
        final String tenantId;
        final String agentKey;
        // Jobs sent on this socket and not yet answered, with when each was sent and its last sign of
        // life (sent, acknowledged or progress reported). AgentStates reads it to tell busy from hung.
        final ConcurrentHashMap<String, InFlight> sent = new ConcurrentHashMap<>();
        final AtomicBoolean resendAll = new AtomicBoolean();
        // Set by the first redeliver, which follows welcome: only then may a resync send on the socket
        // (a socket whose hello is held is sent its jobs when the hello is answered).
        volatile boolean welcomed;
        // Set when its socket is no longer listed and the ledger is dropped.
        volatile boolean closed;
        // The agent's previous socket's ledger, until this socket's first resend has waited for its marks.
        volatile Ledger replaced;
        // The last batch of marks handed to the group commit for this socket's jobs.
        volatile CompletableFuture<?> marks = CompletableFuture.completedFuture(null);

        Ledger(AgentConnection connection) {
            this.tenantId = connection.tenantId();
            this.agentKey = connection.tenantId() + "/" + connection.agentId();
        }

        /** Every job it carried has its mark handed over, and the last marks are written. */
        boolean settled() {
            return marks.isDone() && sent.values().stream().allMatch(InFlight::marked);
        }
    }

    /**
     * A job on a socket: when it was sent there and as which attempt, when the agent acknowledged it
     * (or null), its last sign of life since, and whether its delivery was handed to the writer.
     */
    private record InFlight(Instant sentAt, int attempt, Instant ackedAt, Instant lastSeen, boolean marked) {
        InFlight seen(Instant at) {
            return new InFlight(sentAt, attempt, ackedAt, at, marked);
        }

        InFlight acked(Instant at) {
            return new InFlight(sentAt, attempt, ackedAt == null ? at : ackedAt, at, marked);
        }

        InFlight markedNow() {
            return new InFlight(sentAt, attempt, ackedAt, lastSeen, true);
        }

        JobStore.Delivery delivery(String tenantId, String jobId) {
            return new JobStore.Delivery(tenantId, jobId, sentAt, attempt, ackedAt, lastSeen);
        }
    }

    private record Pending(Ledger ledger, String jobId, Instant sentAt) {}

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
        this(jobs, writes, registry, metrics, clock, senders, Cluster.SINGLE);
    }

    /**
     * @param cluster told of a job for an agent not connected here (the node it is on sends it), and of
     *     a job past its deadline whose agent is elsewhere
     */
    public Deliveries(
            JobStore jobs,
            GroupCommit writes,
            ConnectionRegistry registry,
            DispatchMetrics metrics,
            Clock clock,
            Executor senders,
            Cluster cluster) {
        this.cluster = cluster;
        this.jobs = jobs;
        this.writes = writes;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.senders = senders;
    }

    /**
     * A job was committed QUEUED (created, or approved): sends it now if its agent's active connection
     * is on this node; else tells the other nodes (the one the agent is connected to sends it), and the
     * agent's next hello sends it if it is connected nowhere.
     *
     * @return the job as sent, or empty when it was not sent here
     */
    Optional<Job> offer(Job job) {
        Optional<AgentConnection> here = registry.find(job.tenantId(), job.agentId());
        if (here.isEmpty()) {
            cluster.publish(Signal.send(job.tenantId(), job.agentId(), job.id()));
            return Optional.empty();
        }
        Optional<Job> sent = deliver(here.get(), job);
        if (sent.isPresent()) {
            return sent;
        }
        // The hello's resend may have read the committed job and sent it first: it is sent all the same.
        Ledger ledger = ledgers.get(here.get());
        InFlight already = ledger == null ? null : ledger.sent.get(job.id());
        return already == null ? Optional.empty() : Optional.of(job.dispatched(already.sentAt()));
    }

    /**
     * Another node queued {@code jobId} for this agent: if the agent is connected here, reads the job
     * and sends it unless it is finished (or this socket carried it already).
     */
    public void offerQueued(String tenantId, String agentId, String jobId) {
        registry.find(tenantId, agentId)
                .ifPresent(c -> jobs.find(tenantId, jobId)
                        .filter(job -> job.agentId().equals(agentId) && job.state() == JobState.QUEUED)
                        .ifPresent(job -> deliver(c, job)));
    }

    /**
     * The cluster's safety net behind lost signals, run every {@code --cluster-sweep} on every node:
     * sends each job that is still queued, created before {@code createdBefore}, whose agent is
     * connected here and whose socket has not carried it. A socket sends a job at most once, so a job
     * that was sent and is simply not yet marked is not sent again.
     *
     * @return how many jobs it sent
     */
    public int sweepQueued(Instant createdBefore) {
        int sent = 0;
        for (Job job : jobs.listQueued(createdBefore, SWEEP_LIMIT)) {
            Optional<AgentConnection> here = registry.find(job.tenantId(), job.agentId());
            try {
                if (here.isPresent() && deliver(here.get(), job).isPresent()) {
                    sent++;
                }
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("jobId", job.id()).setCause(e).log("cluster sweep cannot send a job");
            }
        }
        if (sent > 0) {
            log.atInfo().addKeyValue("jobs", sent).log("cluster sweep sent queued jobs whose signal was lost");
        }
        return sent;
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
        Ledger replaced = ledger.replaced;
        if (replaced != null) {
            ledger.replaced = null;
            awaitMarks(replaced);
        }
        if (ledger.resendAll.getAndSet(false)) {
            awaitMarks(ledger);
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

    /**
     * The agent acknowledged {@code jobId}: its lease is renewed now, and the acknowledgement is kept
     * for the job's mark or result.
     *
     * @return true when the caller must write it (the job's delivery was marked already, or this socket
     *     did not carry it), false when the mark or the result records it
     */
    boolean acked(AgentConnection connection, String jobId) {
        return renew(connection, jobId, true);
    }

    /**
     * The agent reported progress on {@code jobId}: its lease is renewed now.
     *
     * @return true when the caller must write it (as {@link #acked})
     */
    boolean alive(AgentConnection connection, String jobId) {
        return renew(connection, jobId, false);
    }

    private boolean renew(AgentConnection connection, String jobId, boolean ack) {
        Ledger ledger = ledgers.get(connection);
        if (ledger == null) {
            return true;
        }
        Instant now = clock.instant();
        boolean[] write = {true};
        ledger.sent.computeIfPresent(jobId, (id, previous) -> {
            write[0] = previous.marked();
            return ack ? previous.acked(now) : previous.seen(now);
        });
        return write[0];
    }

    /**
     * The agent answered {@code jobId} on {@code connection}: it is no longer in flight there.
     *
     * @return the delivery it answered (when sent, which attempt, when acknowledged), or null when this
     *     socket did not carry it
     */
    JobStore.Delivery answered(AgentConnection connection, String jobId) {
        Ledger ledger = ledgers.get(connection);
        InFlight was = ledger == null ? null : ledger.sent.remove(jobId);
        return was == null ? null : was.delivery(ledger.tenantId, jobId);
    }

    /**
     * {@code job} passed its deadline and was marked timed out: if it was ever sent and its agent is
     * connected here, it is taken off the ledger and the agent is told to cancel it (on a sender
     * thread; returns at once).
     */
    void expired(Job job) {
        Optional<AgentConnection> here = registry.find(job.tenantId(), job.agentId());
        if (here.isEmpty()) {
            cluster.publish(Signal.cancel(job.tenantId(), job.agentId(), job.id()));
            return;
        }
        AgentConnection c = here.get();
        if (answered(c, job.id()) != null || job.attempt() > 0) {
            cancel(c, job.id());
        }
    }

    /**
     * Another node marked {@code jobId} timed out: if its agent is connected here and this socket
     * carried it, the agent is told to cancel it.
     */
    public void cancelExpired(String tenantId, String agentId, String jobId) {
        registry.find(tenantId, agentId).ifPresent(c -> {
            if (answered(c, jobId) != null) {
                cancel(c, jobId);
            }
        });
    }

    /** Tells the agent on {@code c} to cancel {@code jobId}, on a sender thread. */
    private void cancel(AgentConnection c, String jobId) {
        senders.execute(() -> c.send(new Cancel(c.nextFrameId(), jobId, "deadline passed")));
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
        for (var it = ledgers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<AgentConnection, Ledger> entry = it.next();
            if (registry.socket(entry.getKey().socketId()) != entry.getKey()) {
                entry.getValue().closed = true;
                it.remove();
            }
        }
        latest.values().removeIf(l -> l.closed && l.settled());
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

    /**
     * Run every {@link #MARK_INTERVAL} by the hub's timer: writes, as one group-commit unit without
     * waiting, the deliveries that have been in flight {@link #MARK_AFTER} without a result. Never
     * throws.
     */
    public void writeMarks() {
        Instant due = clock.instant().minus(MARK_AFTER);
        Map<Ledger, List<JobStore.Delivery>> batch = new HashMap<>();
        for (Pending p = pending.peek(); p != null && !p.sentAt().isAfter(due); p = pending.peek()) {
            pending.poll();
            JobStore.Delivery delivery = mark(p.ledger(), p.jobId(), p.sentAt());
            if (delivery != null) {
                batch.computeIfAbsent(p.ledger(), l -> new ArrayList<>()).add(delivery);
            }
        }
        if (!batch.isEmpty()) {
            submit(batch);
        }
    }

    /** Hands over the marks of {@code replaced}'s unmarked jobs and waits until all its marks are written. */
    private void awaitMarks(Ledger replaced) {
        List<JobStore.Delivery> unmarked = new ArrayList<>();
        for (Map.Entry<String, InFlight> entry : replaced.sent.entrySet()) {
            JobStore.Delivery delivery =
                    mark(replaced, entry.getKey(), entry.getValue().sentAt());
            if (delivery != null) {
                unmarked.add(delivery);
            }
        }
        if (!unmarked.isEmpty()) {
            submit(Map.of(replaced, unmarked));
        }
        try {
            replaced.marks
                    .orTimeout(MARKS_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .join();
        } catch (RuntimeException e) {
            // Bookkeeping only: the jobs are sent all the same, their attempt may count one short.
            log.atDebug().setCause(e).log("the previous socket's deliveries were not recorded in time");
        }
    }

    /** Takes the mark of one delivery if it is still in flight and unmarked; null otherwise. */
    private static JobStore.Delivery mark(Ledger ledger, String jobId, Instant sentAt) {
        while (true) {
            InFlight now = ledger.sent.get(jobId);
            if (now == null || now.marked() || !now.sentAt().equals(sentAt)) {
                return null;
            }
            if (ledger.sent.replace(jobId, now, now.markedNow())) {
                return now.delivery(ledger.tenantId, jobId);
            }
        }
    }

    private void submit(Map<Ledger, List<JobStore.Delivery>> byLedger) {
        List<JobStore.Delivery> all =
                byLedger.values().stream().flatMap(List::stream).toList();
        CompletableFuture<Integer> written = writes.submit(() -> jobs.markDelivered(all));
        byLedger.keySet().forEach(l -> l.marks = written);
        written.whenComplete((marked, failure) -> {
            if (failure != null && DatabaseFailures.isUnavailable(failure)) {
                byLedger.keySet().forEach(l -> l.resendAll.set(true)); // sent again once the database is back
            } else if (failure != null) {
                log.atWarn()
                        .addKeyValue("jobs", all.size())
                        .setCause(failure)
                        .log("cannot record that jobs were sent; they were sent");
            }
        });
    }

    private Ledger ledger(AgentConnection connection) {
        return ledgers.computeIfAbsent(connection, c -> {
            Ledger ledger = new Ledger(c);
            Ledger previous = latest.put(ledger.agentKey, ledger);
            ledger.replaced = previous;
            return ledger;
        });
    }

    /**
     * Sends {@code job} on {@code connection} unless its deadline passed or this socket carried it
     * already. The delivery is recorded later, if at all (see the class's rules on marks).
     */
    private Optional<Job> deliver(AgentConnection connection, Job job) {
        Instant now = clock.instant();
        if (!job.deadline().isAfter(now)) {
            return Optional.empty(); // the deadline sweeper times it out
        }
        Ledger ledger = ledger(connection);
        Job sending = job.dispatched(now);
        if (ledger.sent.putIfAbsent(job.id(), new InFlight(now, sending.attempt(), null, now, false)) != null) {
            return Optional.empty(); // already sent on this socket (its creator and the hello resend raced)
        }
        JsonNode args = job.args();
        if (!args.isObject()) {
            ledger.sent.remove(job.id());
            throw new IllegalStateException("job " + job.id() + " has unreadable args in the database");
        }
        pending.add(new Pending(ledger, job.id(), now));
        if (connection.send(new Dispatch(
                connection.nextFrameId(),
                sending.id(),
                sending.tool(),
                args,
                sending.deadline(),
                sending.attempt(),
                sending.approval() != null && sending.approval().approved()
                        ? sending.approval().by()
                        : null,
                sending.requestedBy()))) {
            metrics.dispatched(connection.tenantId());
            log.atDebug()
                    .addKeyValue("jobId", sending.id())
                    .addKeyValue("attempt", sending.attempt())
                    .log("job sent");
        }
        return Optional.of(sending);
    }
}
