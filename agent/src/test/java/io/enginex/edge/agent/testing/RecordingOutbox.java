package io.enginex.edge.agent.testing;

import io.enginex.edge.agent.dispatch.Outbox;
import io.enginex.edge.agent.journal.JobOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link Outbox} that remembers what it was asked to send. */
public final class RecordingOutbox implements Outbox {
    /** One sent item. {@code outcome} is set for results only. */
    public record Sent(String kind, String jobId, JobOutcome outcome, boolean replayed, String message) {}

    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void ack(String jobId) {
        sent.add(new Sent("ack", jobId, null, false, ""));
    }

    @Override
    public void progress(String jobId, String message, Double fraction) {
        sent.add(new Sent("progress", jobId, null, false, message));
    }

    @Override
    public void result(String jobId, JobOutcome outcome, boolean replayed) {
        sent.add(new Sent("result", jobId, outcome, replayed, ""));
    }

    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    public List<Sent> results(String jobId) {
        return sent.stream()
                .filter(s -> s.kind().equals("result") && s.jobId().equals(jobId))
                .toList();
    }

    public List<Sent> of(String kind, String jobId) {
        return sent.stream()
                .filter(s -> s.kind().equals(kind) && s.jobId().equals(jobId))
                .toList();
    }
}
