package io.enginex.edge.server.testing;

import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A {@link JobStore} in memory, for unit tests of the classes above it, with the same state rules as
 * the JDBC store for the calls they make (what is deliverable, the first outcome wins). {@link
 * #down()} makes every call fail as an unreachable database does, until {@link #up()}.
 */
public final class FakeJobStore implements JobStore {
    private static final Set<JobState> DELIVERABLE = EnumSet.of(JobState.QUEUED, JobState.DISPATCHED, JobState.RUNNING);

    private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean down;

    /** Every call fails from now on with an error {@code DatabaseFailures} calls unavailable. */
    public void down() {
        down = true;
    }

    public void up() {
        down = false;
    }

    private void check() {
        if (down) {
            throw new IllegalStateException(new SQLTransientConnectionException("database down (FakeJobStore)"));
        }
    }

    private static String key(String tenantId, String id) {
        return tenantId + "/" + id;
    }

    @Override
    public Job create(Job job) {
        check();
        jobs.put(key(job.tenantId(), job.id()), job);
        return job;
    }

    @Override
    public Optional<Job> find(String tenantId, String id) {
        check();
        return Optional.ofNullable(jobs.get(key(tenantId, id)));
    }

    @Override
    public List<Job> listBySession(String tenantId, String sessionId) {
        return list(j -> j.tenantId().equals(tenantId) && j.sessionId().equals(sessionId));
    }

    @Override
    public List<Job> listUnfinished(String tenantId, String agentId) {
        return list(
                j -> j.tenantId().equals(tenantId) && j.agentId().equals(agentId) && DELIVERABLE.contains(j.state()));
    }

    @Override
    public List<Job> listQueued(java.time.Instant createdBefore, int limit) {
        return list(j -> j.state() == JobState.QUEUED && j.createdAt().isBefore(createdBefore)).stream()
                .limit(limit)
                .toList();
    }

    @Override
    public List<Job> listByAgent(String tenantId, String agentId, int limit) {
        return list(j -> j.tenantId().equals(tenantId) && j.agentId().equals(agentId)).stream()
                .limit(limit)
                .toList();
    }

    @Override
    public int markDelivered(List<Delivery> deliveries) {
        check();
        var marked = new java.util.concurrent.atomic.AtomicInteger();
        for (Delivery d : deliveries) {
            jobs.computeIfPresent(key(d.tenantId(), d.id()), (k, j) -> {
                if (!DELIVERABLE.contains(j.state())) {
                    return j;
                }
                marked.incrementAndGet();
                Job sent = j.dispatched(d.sentAt());
                JobState state = d.ackedAt() != null ? JobState.RUNNING : sent.state();
                return with(sent, state, Math.max(sent.attempt(), d.attempt()));
            });
        }
        return marked.get();
    }

    @Override
    public void markRunning(String tenantId, String id, String agentId, Instant now) {
        check();
        jobs.computeIfPresent(
                key(tenantId, id),
                (k, j) -> j.agentId().equals(agentId)
                                && (j.state() == JobState.QUEUED || j.state() == JobState.DISPATCHED)
                        ? with(j, JobState.RUNNING, j.attempt())
                        : j);
    }

    @Override
    public void markProgress(String tenantId, String id, String agentId, Instant now) {
        check();
    }

    @Override
    public boolean complete(String tenantId, String id, String agentId, Outcome outcome) {
        check();
        boolean[] first = {false};
        jobs.computeIfPresent(key(tenantId, id), (k, j) -> {
            if (j.state().terminal() || !j.agentId().equals(agentId)) {
                return j;
            }
            first[0] = true;
            int attempt = outcome.delivery() == null
                    ? j.attempt()
                    : Math.max(j.attempt(), Math.max(1, outcome.delivery().attempt()));
            return with(j, outcome.state(), attempt);
        });
        return first[0];
    }

    @Override
    public Job completed(Job before, Outcome outcome) {
        return find(before.tenantId(), before.id()).orElseThrow();
    }

    @Override
    public Optional<Job> approve(String tenantId, String id, String by, String reason, Instant now) {
        throw new UnsupportedOperationException("approvals are not faked");
    }

    @Override
    public Optional<Job> deny(String tenantId, String id, String by, String reason, Instant now) {
        throw new UnsupportedOperationException("approvals are not faked");
    }

    @Override
    public List<Job> listByState(String tenantId, JobState state, int limit) {
        return list(j -> j.tenantId().equals(tenantId) && j.state() == state).stream()
                .limit(limit)
                .toList();
    }

    @Override
    public List<Job> expire(Instant now) {
        check();
        List<Job> expired = list(j -> !j.state().terminal() && !j.deadline().isAfter(now));
        return expired.stream()
                .map(j -> {
                    Job timedOut = with(j, JobState.TIMED_OUT, j.attempt());
                    jobs.put(key(j.tenantId(), j.id()), timedOut);
                    return timedOut;
                })
                .toList();
    }

    private List<Job> list(Predicate<Job> filter) {
        check();
        return jobs.values().stream()
                .filter(filter)
                .sorted(Comparator.comparing(Job::createdAt).thenComparing(Job::id))
                .toList();
    }

    private static Job with(Job j, JobState state, int attempt) {
        return new Job(
                j.id(),
                j.tenantId(),
                j.sessionId(),
                j.agentId(),
                j.tool(),
                j.args(),
                state,
                attempt,
                j.createdAt(),
                j.deadline(),
                j.dispatchedAt(),
                j.startedAt(),
                j.finishedAt(),
                j.lastProgressAt(),
                j.outputJson(),
                j.errorCode(),
                j.errorMessage(),
                j.replayed(),
                j.approval(),
                j.device(),
                j.consentJson(),
                j.requestedBy());
    }
}
