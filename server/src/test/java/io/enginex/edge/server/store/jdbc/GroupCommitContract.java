package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.testing.JsonNodes;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hub's group commit on a real database: batches form, and each unit keeps its own outcome. */
interface GroupCommitContract extends StoreFixture {
    JdbcStores jdbcStores();

    /** Holds the writer in a unit of its own until the returned latch is counted down. */
    private CountDownLatch holdWriter() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        jdbcStores().groupCommit().submit(() -> {
            started.countDown();
            try {
                return release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return release;
    }

    private CompletableFuture<Job> submitJob(String tenant, Agent agent, Session session, String id) {
        return jdbcStores().groupCommit().submit(() -> submitJobInline(tenant, agent, session, id));
    }

    @Test
    default void unitsWaitingTogetherShareOneCommit() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        JdbcGroupCommit writer = (JdbcGroupCommit) jdbcStores().groupCommit();
        CountDownLatch release = holdWriter();
        long before = writer.commits();
        long unitsBefore = writer.committedUnits();
        List<CompletableFuture<Job>> jobs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            jobs.add(submitJob(tenant, agent, session, StoreFixture.id("job")));
        }

        release.countDown();
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).join();

        // the held unit's commit, then the hundred waiting in one batch
        assertThat(writer.commits() - before).isEqualTo(2);
        assertThat(writer.committedUnits() - unitsBefore).isEqualTo(101);
        assertThat(jobs)
                .allSatisfy(j ->
                        assertThat(stores().jobs().find(tenant, j.join().id())).contains(j.join()));
    }

    @Test
    default void aFailingUnitFailsAloneAndTheOthersOfItsBatchCommit() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        Job existing = newJob(tenant, agent.id(), session.id(), now(), now().plus(1, ChronoUnit.HOURS));
        CountDownLatch release = holdWriter();
        CompletableFuture<Job> before = submitJob(tenant, agent, session, StoreFixture.id("job"));
        CompletableFuture<Job> duplicate = submitJob(tenant, agent, session, existing.id());
        CompletableFuture<Job> after = submitJob(tenant, agent, session, StoreFixture.id("job"));

        release.countDown();

        assertThatThrownBy(duplicate::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(DuplicateException.class);
        assertThat(stores().jobs().find(tenant, before.join().id())).isPresent();
        assertThat(stores().jobs().find(tenant, after.join().id())).isPresent();
        assertThat(stores().jobs().find(tenant, existing.id())).contains(existing);
    }

    @Test
    default void inTransactionGivesTheUnitsOwnExceptionAndKeepsNothingOfIt() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        String id = StoreFixture.id("job");
        IllegalStateException refusal = new IllegalStateException("refused after the insert");

        assertThatThrownBy(() -> jdbcStores().groupCommit().inTransaction(() -> {
                    submitJobInline(tenant, agent, session, id);
                    throw refusal;
                }))
                .isSameAs(refusal);
        assertThat(stores().jobs().find(tenant, id)).isEmpty();
    }

    @Test
    default void aNestedTransactionOnTheWriterJoinsTheUnit() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        String id = StoreFixture.id("job");

        assertThatThrownBy(() -> jdbcStores().groupCommit().inTransaction(() -> {
                    jdbcStores().groupCommit().inTransaction(() -> submitJobInline(tenant, agent, session, id));
                    throw new IllegalStateException("the outer unit fails after its nested one");
                }))
                .hasMessageContaining("outer unit fails");
        assertThat(stores().jobs().find(tenant, id)).isEmpty();
    }

    @Test
    default void aBatchCommitsInTheOrderItsUnitsWereHandedIn() {
        String tenant = newTenant();
        Agent agent = newAgent(tenant);
        Session session = newSession(tenant);
        Job job = newJob(tenant, agent.id(), session.id(), now(), now().plus(1, ChronoUnit.HOURS));
        CountDownLatch release = holdWriter();
        var dispatched =
                jdbcStores().groupCommit().submit(() -> stores().jobs().markDispatched(tenant, job.id(), now()));
        var completed = jdbcStores()
                .groupCommit()
                .submit(() -> stores().jobs()
                        .complete(
                                tenant,
                                job.id(),
                                agent.id(),
                                new JobStore.Outcome(JobState.SUCCEEDED, "{}", null, null, now(), now(), false)));
        var lateMark = jdbcStores().groupCommit().submit(() -> stores().jobs().markDispatched(tenant, job.id(), now()));

        release.countDown();

        assertThat(dispatched.join()).isTrue();
        assertThat(completed.join()).isTrue();
        assertThat(lateMark.join())
                .as("a mark after the outcome changes nothing")
                .isFalse();
        assertThat(stores().jobs().find(tenant, job.id()).orElseThrow().attempt())
                .isEqualTo(1);
    }

    /** Writes a new queued job on the calling thread (inside a unit: in its transaction). */
    private Job submitJobInline(String tenant, Agent agent, Session session, String id) {
        return stores().jobs()
                .create(Job.created(
                        id,
                        tenant,
                        session.id(),
                        agent.id(),
                        "fs.list",
                        JsonNodes.parse("{}"),
                        JobState.QUEUED,
                        now(),
                        now().plus(1, ChronoUnit.HOURS)));
    }
}
