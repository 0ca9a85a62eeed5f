package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.dispatch.Outbox;
import io.enginex.edge.agent.graph.GraphSync;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.AgentState;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.Pause;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.UpdateReport;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Outbox} of the whole agent: sends on whichever {@link HubSession} is current, so a job
 * that finishes after a reconnect reports on the new connection. With no connection the message is
 * dropped; the journal still has the outcome and the hub's redelivery fetches it. It also carries the
 * person's pause: announced in each hello, and sent as a {@code state} frame when it changes on a
 * welcomed connection (never before welcome, which the hub would refuse); and the updater's state, sent
 * as an {@code update} frame after every welcome and whenever it changes; and the graph runs the hub
 * does not have yet ({@link GraphSync}), one {@code graphRuns} frame at a time after every welcome, after
 * each ack and when a run ends, made on a thread of their own so no frame waits for the run files; and,
 * when no such frame is waiting, the step outputs kept as files, one {@code graphOutputChunk} at a time
 * (paced by {@link #uploadRate}), so a job's frame never queues behind more than one chunk. Changes of
 * the users' session parts with no welcomed connection are kept in a {@link
 * io.enginex.edge.agent.usersession.SessionEventRecord} (appended to disk under the state lock: a short
 * local write, never network I/O) and sent in each {@code state} frame until the hub acks them.
 * Thread-safe.
 */
public final class SessionOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(SessionOutbox.class);

    private final AtomicReference<HubSession> current = new AtomicReference<>();
    private final ReentrantLock stateLock = new ReentrantLock();
    private Pause pause;
    private java.util.List<io.enginex.edge.protocol.SessionPart> sessionParts;
    private io.enginex.edge.agent.usersession.SessionEventRecord sessionEvents;
    private Function<String, UpdateReport> update;
    private HubSession welcomed;
    private GraphSync graphSync;
    private long graphConnection;
    private final java.util.List<Runnable> welcomeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long uploadRate;

    void attach(HubSession session) {
        current.set(session);
    }

    void detach(HubSession session) {
        current.compareAndSet(session, null);
        stateLock.lock();
        try {
            if (welcomed == session) {
                welcomed = null;
                if (graphSync != null) {
                    graphConnection = graphSync.disconnected();
                }
            }
        } finally {
            stateLock.unlock();
        }
    }

    /** The pause to announce in the next hello; null when not paused. */
    Pause pause() {
        stateLock.lock();
        try {
            return pause;
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * The hub welcomed {@code session}, whose hello announced {@code announced}: from now on state
     * changes go to it, and one that happened since the hello is sent at once.
     */
    void welcomed(HubSession session, Pause announced) {
        stateLock.lock();
        try {
            welcomed = session;
            // The session parts are never in hello: after each welcome the hub gets the list as it is now,
            // with the starts and ends it missed.
            if (!Objects.equals(pause, announced) || sessionParts != null) {
                sendState(session);
            }
            if (update != null) {
                sendUpdate(session);
            }
            if (graphSync != null) {
                graphConnection = graphSync.disconnected();
            }
        } finally {
            stateLock.unlock();
        }
        pushGraphRuns();
        welcomeHooks.forEach(Runnable::run);
    }

    /** Runs {@code hook} after every welcome, on the welcoming thread (so it must not block). */
    public void onWelcome(Runnable hook) {
        welcomeHooks.add(hook);
    }

    /**
     * Sends the frame {@code make} builds for a frame id on the welcomed connection. Never blocks on the
     * network.
     *
     * @return false when no welcomed connection is up (nothing is sent)
     */
    public boolean sendWelcomed(Function<String, ? extends Message> make) {
        HubSession session;
        stateLock.lock();
        try {
            session = welcomed;
        } finally {
            stateLock.unlock();
        }
        if (session == null) {
            return false;
        }
        Message frame = make.apply(session.nextId());
        session.send(frame).whenComplete((ignored, error) -> {
            if (error != null) {
                log.atDebug().log("sending a " + io.enginex.edge.protocol.MessageTypes.of(frame) + " frame failed");
            }
        });
        return true;
    }

    /** Uploads graph runs through {@code sync} after each welcome (none are uploaded without one). */
    public void graphSync(GraphSync sync) {
        stateLock.lock();
        try {
            graphSync = sync;
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Sends the next {@code graphRuns} frame if a welcomed connection is up and none is in flight (a run
     * ended, or the last frame was acked). Never blocks: the frame is made on a virtual thread.
     */
    public void pushGraphRuns() {
        Thread.ofVirtual().name("enginex-graph-sync").start(() -> {
            HubSession session;
            GraphSync sync;
            long generation;
            stateLock.lock();
            try {
                session = welcomed;
                sync = graphSync;
                generation = graphConnection;
            } finally {
                stateLock.unlock();
            }
            if (session == null || sync == null) {
                return;
            }
            try {
                // read outside the lock: the pause switch and the update state never wait for run files.
                // Records first; a chunk of an output file only when no record is waiting, and one at a
                // time, so a live job's frame never queues behind more than one chunk.
                java.util.Optional<? extends io.enginex.edge.protocol.Message> frame =
                        sync.next(session.nextId(), generation);
                if (frame.isEmpty()) {
                    frame = sync.nextChunk(session.nextId(), generation);
                }
                frame.ifPresent(f -> session.send(f).whenComplete((ignored, error) -> {
                    if (error != null) {
                        log.atDebug().log("sending graph runs failed; they are sent again after the next welcome");
                    }
                }));
            } catch (RuntimeException e) {
                log.atError()
                        .setCause(e)
                        .log("reading the graph runs to upload failed; trying again after the next welcome");
            }
        });
    }

    /** The hub acknowledged graph runs: recorded, and the next frame goes out. */
    public void graphRunsAcked(GraphRunsAck ack) {
        GraphSync sync;
        stateLock.lock();
        try {
            sync = graphSync;
        } finally {
            stateLock.unlock();
        }
        if (sync != null && sync.acked(ack)) {
            if (!ack.refused().isEmpty()) {
                log.atWarn().log("the hub refused graph runs: " + String.join("; ", ack.refused()));
            }
            pushGraphRuns();
        }
    }

    /**
     * The hub answered a chunk of a step output file: the next frame goes out, after the pause that
     * keeps the upload under {@link #uploadRate} bytes a second (none when it is 0).
     */
    public void graphOutputAcked(io.enginex.edge.protocol.GraphOutputAck ack) {
        GraphSync sync;
        long rate;
        stateLock.lock();
        try {
            sync = graphSync;
            rate = uploadRate;
        } finally {
            stateLock.unlock();
        }
        if (sync != null && sync.chunkAcked(ack)) {
            if (rate <= 0 || ack.complete() || ack.error() != null) {
                pushGraphRuns();
            } else {
                long millis = io.enginex.edge.protocol.GraphOutputChunk.MAX_CHUNK_BYTES * 1000L / rate;
                java.util.concurrent.CompletableFuture.delayedExecutor(
                                millis, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(this::pushGraphRuns);
            }
        }
    }

    /**
     * Caps the upload of step output files at about {@code bytesPerSecond} (0: no cap beyond one chunk
     * in flight), for links where bandwidth is dear ({@code enginex-agent run --upload-rate}).
     */
    public void uploadRate(long bytesPerSecond) {
        stateLock.lock();
        try {
            uploadRate = bytesPerSecond;
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * The person paused (or, with null, resumed) local actions: remembered for the next hello and sent
     * in a {@code state} frame if a welcomed connection is up. Never blocks on the network.
     */
    public void state(Pause now) {
        stateLock.lock();
        try {
            pause = now;
            if (welcomed != null) {
                sendState(welcomed);
            }
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * The users' session parts connected to the service changed: sent in a {@code state} frame if a
     * welcomed connection is up, and after every welcome. Never blocks on the network.
     */
    public void sessionParts(java.util.List<io.enginex.edge.protocol.SessionPart> now) {
        stateLock.lock();
        try {
            if (welcomed == null && sessionEvents != null && sessionParts != null) {
                // The hub cannot hear of this change now: kept (durably) with its time until it acknowledges.
                sessionEvents.changed(sessionParts, now);
            }
            sessionParts = java.util.List.copyOf(now);
            if (welcomed != null) {
                sendState(welcomed);
            }
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Keeps the session parts' starts and ends that happen with no welcomed connection in {@code record},
     * and sends what it holds in every {@code state} frame until the hub acknowledges them.
     */
    public void sessionEvents(io.enginex.edge.agent.usersession.SessionEventRecord record) {
        stateLock.lock();
        try {
            sessionEvents = record;
        } finally {
            stateLock.unlock();
        }
    }

    /** The hub stored the session events it names: dropped from the record, never sent again. */
    public void sessionEventsAcked(io.enginex.edge.protocol.SessionEventsAck ack) {
        io.enginex.edge.agent.usersession.SessionEventRecord record;
        stateLock.lock();
        try {
            record = sessionEvents;
        } finally {
            stateLock.unlock();
        }
        if (record != null) {
            record.acked(ack.events());
        }
    }

    /**
     * The updater's state changed: {@code report} makes the frame for a frame id. Sent at once if a
     * welcomed connection is up, and again after every welcome. Never blocks on the network.
     */
    public void update(Function<String, UpdateReport> report) {
        stateLock.lock();
        try {
            update = report;
            if (welcomed != null) {
                sendUpdate(welcomed);
            }
        } finally {
            stateLock.unlock();
        }
    }

    private void sendUpdate(HubSession session) {
        session.send(update.apply(session.nextId())).whenComplete((ignored, error) -> {
            if (error != null) {
                log.atDebug().log("sending the update state failed; it is sent again after the next welcome");
            }
        });
    }

    private void sendState(HubSession session) {
        java.util.List<io.enginex.edge.protocol.SessionEvent> events =
                sessionEvents == null || sessionParts == null ? null : sessionEvents.pending();
        session.send(new AgentState(session.nextId(), pause, sessionParts, events))
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        log.atDebug().log("sending the pause state failed; the next hello carries it");
                    }
                });
    }

    @Override
    public void ack(String jobId) {
        send(jobId, "ack", id -> new Ack(id, jobId));
    }

    @Override
    public void progress(String jobId, String message, Double fraction) {
        send(jobId, "progress", id -> new Progress(id, jobId, message, fraction));
    }

    @Override
    public void result(String jobId, JobOutcome outcome, boolean replayed) {
        send(
                jobId,
                "result",
                id -> new Result(
                        id,
                        jobId,
                        outcome.output(),
                        outcome.error(),
                        outcome.startedAt(),
                        outcome.finishedAt(),
                        replayed,
                        outcome.consent()));
    }

    private void send(String jobId, String kind, Function<String, Message> frame) {
        HubSession session = current.get();
        if (session == null) {
            log.atDebug()
                    .addKeyValue("jobId", jobId)
                    .addKeyValue("frame", kind)
                    .log("not connected; frame dropped (the journal answers the hub's redelivery)");
            return;
        }
        session.send(frame.apply(session.nextId())).whenComplete((ignored, error) -> {
            if (error != null) {
                log.atDebug()
                        .addKeyValue("jobId", jobId)
                        .addKeyValue("frame", kind)
                        .log("sending failed; the journal answers the hub's redelivery");
            }
        });
    }
}
