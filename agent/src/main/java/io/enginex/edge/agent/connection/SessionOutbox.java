package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.dispatch.Outbox;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Outbox} of the whole agent: sends on whichever {@link HubSession} is current, so a job
 * that finishes after a reconnect reports on the new connection. With no connection the message is
 * dropped; the journal still has the outcome and the hub's redelivery fetches it. Thread-safe.
 */
public final class SessionOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(SessionOutbox.class);

    private final AtomicReference<HubSession> current = new AtomicReference<>();

    void attach(HubSession session) {
        current.set(session);
    }

    void detach(HubSession session) {
        current.compareAndSet(session, null);
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
                        replayed));
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
