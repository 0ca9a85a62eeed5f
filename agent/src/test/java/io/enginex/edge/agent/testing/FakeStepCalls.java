package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.graph.StepCalls;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Step calls without tools: each call is answered by the {@link Script} (default: success with
 * {@code {"step":ID,"attempt":n}}), recorded, and kept in an in-memory job journal.
 */
public final class FakeStepCalls implements StepCalls {
    /** Answers one call. */
    @FunctionalInterface
    public interface Script {
        JobOutcome answer(String step, int attempt, JsonNode args, Clock clock);
    }

    /** One call, in order. */
    public record Call(String jobId, String step, int attempt, String tool, JsonNode args) {}

    private final Clock clock;
    private final Script script;
    private final Set<String> idempotent;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, JobStatus> journal = new ConcurrentHashMap<>();
    private final Map<String, String> approvedBy = new ConcurrentHashMap<>();
    private final Map<String, String> requestedBy = new ConcurrentHashMap<>();

    public FakeStepCalls(Clock clock, Script script, Set<String> idempotentTools) {
        this.clock = clock;
        this.script = script;
        this.idempotent = Set.copyOf(idempotentTools);
    }

    /** Succeeds every call. */
    public static Script succeed() {
        return (step, attempt, args, clock) -> JobOutcome.success(
                JsonNodeFactory.instance
                        .objectNode()
                        .put("step", step)
                        .put("attempt", attempt)
                        .set("args", args),
                clock.instant(),
                clock.instant());
    }

    @Override
    public JobOutcome call(String jobId, String tool, JsonNode args, Duration timeout) {
        if (journal.containsKey(jobId)) {
            throw new AssertionError("job " + jobId + " was called twice");
        }
        String[] parts = jobId.split(":");
        int attempt = Integer.parseInt(parts[2]);
        calls.add(new Call(jobId, parts[1], attempt, tool, args));
        JobOutcome outcome = script.answer(parts[1], attempt, args, clock);
        journal.put(jobId, new JobStatus.Finished(outcome));
        return outcome;
    }

    @Override
    public JobOutcome call(String jobId, String tool, JsonNode args, Duration timeout, String approver) {
        if (approver != null) {
            approvedBy.put(jobId, approver);
        }
        return call(jobId, tool, args, timeout);
    }

    @Override
    public JobOutcome call(
            String jobId, String tool, JsonNode args, Duration timeout, String approver, String requester) {
        if (requester != null) {
            requestedBy.put(jobId, requester);
        }
        return call(jobId, tool, args, timeout, approver);
    }

    /** Who the step's call said asked for job {@code jobId}, or null. */
    public String requestedBy(String jobId) {
        return requestedBy.get(jobId);
    }

    /** Who approved job {@code jobId}, or null. */
    public String approvedBy(String jobId) {
        return approvedBy.get(jobId);
    }

    @Override
    public JobStatus prior(String jobId) {
        return journal.getOrDefault(jobId, new JobStatus.New());
    }

    @Override
    public boolean idempotent(String tool) {
        return idempotent.contains(tool);
    }

    /** Makes the journal say {@code jobId} was begun by a process that died. */
    public void begunByDeadProcess(String jobId) {
        journal.put(jobId, new JobStatus.Interrupted());
    }

    /** Makes the journal say {@code jobId} finished with {@code outcome} in a process that died right after. */
    public void finishedByDeadProcess(String jobId, JobOutcome outcome) {
        journal.put(jobId, new JobStatus.Finished(outcome));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }
}
