package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore.Delivery;
import io.enginex.edge.server.store.JobStore.Outcome;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.testing.JsonNodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

interface JobContract extends StoreFixture {
    static Outcome succeeded(String output, Instant finishedAt) {
        return new Outcome(JobState.SUCCEEDED, output, null, null, null, finishedAt, false);
    }

    @Test
    default void createdJobIsFoundAsWritten() {
        String tenant = newTenant();
        Job job = newJob(tenant);

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.attempt()).isZero();
        assertThat(job.argsJson()).isEqualTo("{\"path\":\"a.txt\"}");
        assertThat(stores().jobs().find(tenant, job.id())).contains(job);
    }

    @Test
    default void whoAskedForAJobIsKeptThroughItsEnd() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        Job asked = Job.created(
                        StoreFixture.id("job"),
                        tenant,
                        session.id(),
                        agent.id(),
                        "app.open",
                        JsonNodes.parse("{}"),
                        JobState.QUEUED,
                        now(),
                        now().plus(Duration.ofHours(1)))
                .withRequestedBy("alice@acme.example via MCP client claude-code 2.1.0");

        Job written = stores().jobs().create(asked);

        assertThat(written.requestedBy()).isEqualTo("alice@acme.example via MCP client claude-code 2.1.0");
        assertThat(stores().jobs().find(tenant, written.id())).contains(written);
        Outcome done = succeeded("{}", now().plusSeconds(1));
        Job completed = stores().jobs().completed(written, done);
        assertThat(stores().jobs().complete(tenant, written.id(), agent.id(), done))
                .isTrue();
        assertThat(stores().jobs().find(tenant, written.id()).orElseThrow().requestedBy())
                .isEqualTo(completed.requestedBy())
                .isEqualTo("alice@acme.example via MCP client claude-code 2.1.0");
        assertThat(newJob(tenant).requestedBy()).as("a job made without one").isNull();
    }

    @Test
    default void aNewJobMustBeQueuedOrAwaitingApproval() {
        String tenant = newTenant();
        Job queued = newJob(tenant);
        Job running = Job.created(
                StoreFixture.id("job"),
                tenant,
                queued.sessionId(),
                queued.agentId(),
                "t",
                JsonNodes.parse("{}"),
                JobState.RUNNING,
                now(),
                null);

        assertThatThrownBy(() -> stores().jobs().create(running))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("running");
    }

    @Test
    default void jobsAreListedBySessionAndUnfinishedByAgentOldestFirst() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        Instant base = now();
        Instant deadline = base.plus(Duration.ofHours(1));
        Job second = newJob(tenant, agent.id(), session.id(), base.plusSeconds(1), deadline);
        Job first = newJob(tenant, agent.id(), session.id(), base, deadline);
        Job finished = newJob(tenant, agent.id(), session.id(), base.plusSeconds(2), deadline);
        stores().jobs().complete(tenant, finished.id(), agent.id(), succeeded("{}", base.plusSeconds(3)));

        assertThat(stores().jobs().listBySession(tenant, session.id()))
                .extracting(Job::id)
                .containsExactly(first.id(), second.id(), finished.id());
        assertThat(stores().jobs().listUnfinished(tenant, agent.id()))
                .extracting(Job::id)
                .containsExactly(first.id(), second.id());
        assertThat(stores().jobs().listByAgent(tenant, agent.id(), 2))
                .extracting(Job::id)
                .containsExactly(finished.id(), second.id());
        assertThat(stores().jobs().listByAgent(newTenant(), agent.id(), 10)).isEmpty();
    }

    @Test
    default void dispatchingCountsAttemptsAndKeepsARunningJobRunning() {
        String tenant = newTenant();
        Job job = newJob(tenant);
        Instant t1 = now();

        assertThat(stores().jobs().markDispatched(tenant, job.id(), t1)).isTrue();
        Job dispatched = stores().jobs().find(tenant, job.id()).orElseThrow();
        assertThat(dispatched.state()).isEqualTo(JobState.DISPATCHED);
        assertThat(dispatched.attempt()).isEqualTo(1);
        assertThat(dispatched.dispatchedAt()).isEqualTo(t1);

        Instant t2 = t1.plusSeconds(1);
        stores().jobs().markRunning(tenant, job.id(), job.agentId(), t2);
        Job running = stores().jobs().find(tenant, job.id()).orElseThrow();
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.startedAt()).isEqualTo(t2);

        Instant t3 = t2.plusSeconds(1);
        assertThat(stores().jobs().markDispatched(tenant, job.id(), t3)).isTrue();
        Job redelivered = stores().jobs().find(tenant, job.id()).orElseThrow();
        assertThat(redelivered.state()).isEqualTo(JobState.RUNNING);
        assertThat(redelivered.attempt()).isEqualTo(2);
        assertThat(redelivered.dispatchedAt()).isEqualTo(t3);

        stores().jobs().markRunning(tenant, job.id(), job.agentId(), t3.plusSeconds(1));
        assertThat(stores().jobs().find(tenant, job.id()).orElseThrow().startedAt())
                .as("started_at is set by the first ack only")
                .isEqualTo(t2);
    }

    @Test
    default void deliveriesAreMarkedInOneBatchWithTheirAcknowledgement() {
        String tenant = newTenant();
        Job sent = newJob(tenant);
        Job acked = newJob(tenant);
        Job finished = newJob(tenant);
        stores().jobs().complete(tenant, finished.id(), finished.agentId(), succeeded("{}", now()));
        Instant t1 = now();
        Instant t2 = t1.plusMillis(20);
        Instant t3 = t2.plusMillis(300);

        int marked = stores().jobs()
                .markDelivered(List.of(
                        new Delivery(tenant, sent.id(), t1, 1, null, t1),
                        new Delivery(tenant, acked.id(), t1, 2, t2, t3),
                        new Delivery(tenant, finished.id(), t1, 1, null, t1)));

        assertThat(marked).as("the finished job is left alone").isEqualTo(2);
        Job dispatched = stores().jobs().find(tenant, sent.id()).orElseThrow();
        assertThat(dispatched.state()).isEqualTo(JobState.DISPATCHED);
        assertThat(dispatched.attempt()).isEqualTo(1);
        assertThat(dispatched.dispatchedAt()).isEqualTo(t1);
        assertThat(dispatched.startedAt()).isNull();
        Job running = stores().jobs().find(tenant, acked.id()).orElseThrow();
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.attempt()).as("at least the delivery's attempt").isEqualTo(2);
        assertThat(running.startedAt()).isEqualTo(t2);
        assertThat(running.lastProgressAt()).isEqualTo(t3);
        assertThat(stores().jobs().find(tenant, finished.id()).orElseThrow().attempt())
                .isZero();
    }

    @Test
    default void aResultRecordsTheDeliveryItAnswersWhenNoMarkWasWritten() {
        String tenant = newTenant();
        Job fast = newJob(tenant);
        Job marked = newJob(tenant);
        Instant sentAt = now();
        Instant finishedAt = sentAt.plusMillis(40);
        stores().jobs()
                .markDelivered(List.of(new Delivery(tenant, marked.id(), sentAt.minusSeconds(1), 1, null, null)));

        for (Job job : List.of(fast, marked)) {
            stores().jobs()
                    .complete(
                            tenant,
                            job.id(),
                            job.agentId(),
                            new Outcome(
                                    JobState.SUCCEEDED,
                                    "{}",
                                    null,
                                    null,
                                    sentAt.plusMillis(10),
                                    finishedAt,
                                    false,
                                    null,
                                    new Delivery(tenant, job.id(), sentAt, 2, sentAt.plusMillis(10), null)));
        }

        Job answered = stores().jobs().find(tenant, fast.id()).orElseThrow();
        assertThat(answered.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(answered.attempt()).isEqualTo(2);
        assertThat(answered.dispatchedAt()).isEqualTo(sentAt);
        assertThat(answered.startedAt()).isEqualTo(sentAt.plusMillis(10));
        assertThat(stores().jobs().find(tenant, marked.id()).orElseThrow().dispatchedAt())
                .as("a written mark is kept")
                .isEqualTo(sentAt.minusSeconds(1));
    }

    @Test
    default void theJobAsCompletedIsComputedExactlyAsItIsStored() {
        String tenant = newTenant();
        Job fresh = newJob(tenant);
        Job marked = newJob(tenant);
        Instant sentAt = now().plusNanos(123_456_789);
        stores().jobs()
                .markDelivered(List.of(new Delivery(tenant, marked.id(), sentAt.minusSeconds(2), 1, sentAt, sentAt)));
        for (Job job : List.of(fresh, marked)) {
            Job before = stores().jobs().find(tenant, job.id()).orElseThrow();
            Outcome outcome = new Outcome(
                    JobState.FAILED,
                    null,
                    "tool_failed",
                    "no such file",
                    sentAt.plusNanos(5_001),
                    sentAt.plusMillis(70).plusNanos(999),
                    true,
                    new Job.DeviceTimes(
                            sentAt.plusNanos(77_777), sentAt.plusMillis(60).plusNanos(1)),
                    new Delivery(tenant, job.id(), sentAt.plusNanos(1_999), 3, sentAt.plusNanos(5_001), null));

            assertThat(stores().jobs().complete(tenant, job.id(), job.agentId(), outcome))
                    .isTrue();

            assertThat(stores().jobs().completed(before, outcome))
                    .isEqualTo(stores().jobs().find(tenant, job.id()).orElseThrow());
        }
    }

    @Test
    default void aFinishedJobIsNotDispatchedAgain() {
        String tenant = newTenant();
        Job job = newJob(tenant);
        stores().jobs().complete(tenant, job.id(), job.agentId(), succeeded("{}", now()));

        assertThat(stores().jobs().markDispatched(tenant, job.id(), now())).isFalse();
        assertThat(stores().jobs().find(tenant, job.id()).orElseThrow().attempt())
                .isZero();
    }

    @Test
    default void progressRenewsTheLease() {
        String tenant = newTenant();
        Job job = newJob(tenant);
        stores().jobs().markDispatched(tenant, job.id(), now());
        Instant progress = now().plusSeconds(5);

        stores().jobs().markProgress(tenant, job.id(), job.agentId(), progress);
        stores().jobs().markProgress(tenant, job.id(), "agt_other", progress.plusSeconds(5));

        assertThat(stores().jobs().find(tenant, job.id()).orElseThrow().lastProgressAt())
                .isEqualTo(progress);
    }

    @Test
    default void theFirstResultWins() {
        String tenant = newTenant();
        Job job = newJob(tenant);
        Instant started = now();
        Instant finished = started.plusSeconds(2);
        Outcome first = new Outcome(JobState.SUCCEEDED, "{\"text\":\"hello\"}", null, null, started, finished, true);
        Outcome late = new Outcome(JobState.FAILED, null, "interrupted", "restarted", null, finished, false);

        assertThat(stores().jobs().complete(tenant, job.id(), job.agentId(), first))
                .isTrue();
        assertThat(stores().jobs().complete(tenant, job.id(), job.agentId(), late))
                .isFalse();

        Job stored = stores().jobs().find(tenant, job.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(stored.outputJson()).isEqualTo("{\"text\":\"hello\"}");
        assertThat(stored.errorCode()).isNull();
        assertThat(stored.startedAt()).isEqualTo(started);
        assertThat(stored.finishedAt()).isEqualTo(finished);
        assertThat(stored.replayed()).isTrue();
    }

    @Test
    default void aResultFromAnotherAgentIsIgnored() {
        String tenant = newTenant();
        Job job = newJob(tenant);
        Agent intruder = newAgent(tenant);

        assertThat(stores().jobs().complete(tenant, job.id(), intruder.id(), succeeded("{\"forged\":true}", now())))
                .isFalse();
        stores().jobs().markRunning(tenant, job.id(), intruder.id(), now());

        assertThat(stores().jobs().find(tenant, job.id())).contains(job);
    }

    @Test
    default void anotherTenantCannotSeeOrChangeAJob() {
        String tenant = newTenant();
        String other = newTenant();
        Job job = newJob(tenant);

        assertThat(stores().jobs().find(other, job.id())).isEmpty();
        assertThat(stores().jobs().listBySession(other, job.sessionId())).isEmpty();
        assertThat(stores().jobs().listUnfinished(other, job.agentId())).isEmpty();
        assertThat(stores().jobs().markDispatched(other, job.id(), now())).isFalse();
        stores().jobs().markRunning(other, job.id(), job.agentId(), now());
        stores().jobs().markProgress(other, job.id(), job.agentId(), now());
        assertThat(stores().jobs().complete(other, job.id(), job.agentId(), succeeded("{}", now())))
                .isFalse();

        assertThat(stores().jobs().find(tenant, job.id())).contains(job);
    }

    @Test
    default void expiryTimesOutUnfinishedJobsPastTheirDeadlineOnce() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        Instant now = now();
        Job overdue = newJob(tenant, agent.id(), session.id(), now.minusSeconds(60), now.minusSeconds(1));
        Job dueNow = newJob(tenant, agent.id(), session.id(), now.minusSeconds(60), now);
        Job notYet = newJob(tenant, agent.id(), session.id(), now.minusSeconds(60), now.plusSeconds(60));
        Job done = newJob(tenant, agent.id(), session.id(), now.minusSeconds(60), now.minusSeconds(1));
        stores().jobs().markDispatched(tenant, overdue.id(), now.minusSeconds(30));
        stores().jobs().complete(tenant, done.id(), agent.id(), succeeded("{}", now.minusSeconds(2)));

        var expired = stores().jobs().expire(now);

        assertThat(expired).extracting(Job::id).contains(overdue.id(), dueNow.id());
        assertThat(expired).extracting(Job::id).doesNotContain(notYet.id(), done.id());
        Job timedOut = stores().jobs().find(tenant, overdue.id()).orElseThrow();
        assertThat(timedOut.state()).isEqualTo(JobState.TIMED_OUT);
        assertThat(timedOut.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(timedOut.errorMessage()).isNotBlank();
        assertThat(timedOut.finishedAt()).isEqualTo(now);
        assertThat(timedOut.attempt()).isEqualTo(1);
        assertThat(expired).contains(timedOut);
        assertThat(stores().jobs().find(tenant, notYet.id()).orElseThrow().state())
                .isEqualTo(JobState.QUEUED);
        assertThat(stores().jobs().find(tenant, done.id()).orElseThrow().state())
                .isEqualTo(JobState.SUCCEEDED);

        assertThat(stores().jobs().expire(now)).extracting(Job::id).doesNotContain(overdue.id(), dueNow.id());
        assertThat(stores().jobs().complete(tenant, overdue.id(), agent.id(), succeeded("{}", now)))
                .as("a result after the deadline changes nothing")
                .isFalse();
    }
}
