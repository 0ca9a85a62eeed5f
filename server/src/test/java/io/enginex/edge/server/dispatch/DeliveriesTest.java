package io.enginex.edge.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.FakeJobStore;
import io.enginex.edge.server.testing.InlineGroupCommit;
import io.enginex.edge.server.testing.RecordingChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of delivery, on one class: a fake job store and recording sockets. */
class DeliveriesTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final MessageCodec codec = new MessageCodec();
    private final FakeJobStore jobs = new FakeJobStore();
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final Deliveries deliveries = new Deliveries(
            jobs,
            new InlineGroupCommit(),
            registry,
            new DispatchMetrics(new SimpleMeterRegistry()),
            clock,
            Runnable::run);
    private int sockets;

    private record Socket(AgentConnection connection, RecordingChannel channel) {
        List<String> dispatched(String jobId) {
            return channel.sent().stream()
                    .filter(f -> f.contains("\"dispatch\"") && f.contains(jobId))
                    .toList();
        }
    }

    /** A socket of agt_1 that is its active connection here, as after welcome. */
    private Socket connect() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = new AgentConnection("s" + ++sockets, "acme", "agt_1", channel, codec, clock);
        registry.opened(c);
        registry.activate(c);
        return new Socket(c, channel);
    }

    private Job queued(String id) {
        return jobs.create(Job.created(
                id,
                "acme",
                "ses_1",
                "agt_1",
                "sys.ping",
                codec.mapper().createObjectNode(),
                JobState.QUEUED,
                clock.instant(),
                clock.instant().plus(Duration.ofSeconds(30))));
    }

    private int attempt(String id) {
        return jobs.find("acme", id).orElseThrow().attempt();
    }

    private JobState state(String id) {
        return jobs.find("acme", id).orElseThrow().state();
    }

    /** Time passes until the marks of what was sent so far are due, and the hub's timer writes them. */
    private void marksDue() {
        clock.advance(Deliveries.MARK_AFTER);
        deliveries.writeMarks();
    }

    @Test
    void aQueuedJobIsSentOnItsAgentsActiveConnectionAndIsThenInFlight() {
        Socket s = connect();

        deliveries.offer(queued("job_1"));

        assertThat(s.dispatched("job_1")).singleElement().asString().contains("\"attempt\":1");
        assertThat(deliveries.of(s.connection())).containsOnlyKeys("job_1");
    }

    @Test
    void aDeliveryIsRecordedOnceTheJobHasBeenInFlightAWhileWithoutAResult() {
        Socket s = connect();
        deliveries.offer(queued("job_1"));
        Instant sent = clock.instant();

        clock.advance(Deliveries.MARK_AFTER.minusMillis(1));
        deliveries.writeMarks();
        assertThat(state("job_1")).as("not due yet").isEqualTo(JobState.QUEUED);

        marksDue();
        Job marked = jobs.find("acme", "job_1").orElseThrow();
        assertThat(marked.state()).isEqualTo(JobState.DISPATCHED);
        assertThat(marked.attempt()).isEqualTo(1);
        assertThat(marked.dispatchedAt()).isEqualTo(sent);

        marksDue();
        assertThat(attempt("job_1")).as("marked once").isEqualTo(1);
        assertThat(deliveries.acked(s.connection(), "job_1"))
                .as("an acknowledgement after the mark is the caller's to write")
                .isTrue();
    }

    @Test
    void aJobAnsweredBeforeItsMarkIsDueIsNeverMarkedAndItsResultCarriesTheDelivery() {
        Socket s = connect();
        deliveries.offer(queued("job_1"));
        Instant sent = clock.instant();
        clock.advance(Duration.ofMillis(20));
        assertThat(deliveries.acked(s.connection(), "job_1")).isFalse();
        Instant ackedAt = clock.instant();

        var answered = deliveries.answered(s.connection(), "job_1");
        marksDue();

        assertThat(answered.sentAt()).isEqualTo(sent);
        assertThat(answered.attempt()).isEqualTo(1);
        assertThat(answered.ackedAt()).isEqualTo(ackedAt);
        assertThat(state("job_1")).isEqualTo(JobState.QUEUED);
        assertThat(attempt("job_1")).isZero();
    }

    @Test
    void anAcknowledgementBeforeTheMarkIsRecordedWithIt() {
        Socket s = connect();
        deliveries.offer(queued("job_1"));
        clock.advance(Duration.ofMillis(20));

        assertThat(deliveries.acked(s.connection(), "job_1")).isFalse();
        assertThat(deliveries.alive(s.connection(), "job_1")).isFalse();
        marksDue();

        Job marked = jobs.find("acme", "job_1").orElseThrow();
        assertThat(marked.state()).isEqualTo(JobState.RUNNING);
        assertThat(marked.attempt()).isEqualTo(1);
        assertThat(deliveries.alive(s.connection(), "job_1")).isTrue();
    }

    @Test
    void aJobForAnAgentNotConnectedHereIsLeftForItsNextHello() {
        deliveries.offer(queued("job_1"));
        assertThat(attempt("job_1")).isZero();

        Socket s = connect();
        deliveries.redeliver(s.connection());

        assertThat(s.dispatched("job_1")).hasSize(1);
        marksDue();
        assertThat(attempt("job_1")).isEqualTo(1);
    }

    @Test
    void aJobIsSentOnceOnASocketWhenItsCreatorAndTheHelloResendBothReachIt() {
        Socket s = connect();

        deliveries.offer(queued("job_1"));
        deliveries.redeliver(s.connection());

        assertThat(s.dispatched("job_1")).hasSize(1);
        marksDue();
        assertThat(attempt("job_1")).isEqualTo(1);
    }

    @Test
    void aNewSocketOfTheAgentGetsEveryUnfinishedJobAgain() {
        Socket older = connect();
        deliveries.offer(queued("job_1"));

        Socket newer = connect();
        deliveries.redeliver(newer.connection());

        assertThat(attempt("job_1"))
                .as("the older socket's delivery was recorded before the resend read the job")
                .isEqualTo(1);
        assertThat(newer.dispatched("job_1")).singleElement().asString().contains("\"attempt\":2");
        marksDue();
        assertThat(attempt("job_1")).isEqualTo(2);
        assertThat(deliveries.of(newer.connection())).containsOnlyKeys("job_1");
        assertThat(older.dispatched("job_1")).hasSize(1);
    }

    @Test
    void aJobPastItsDeadlineIsNotSent() {
        Socket s = connect();
        Job job = queued("job_1");
        clock.advance(Duration.ofSeconds(30));

        deliveries.offer(job);

        assertThat(s.channel().sent()).isEmpty();
        assertThat(deliveries.of(s.connection())).isEmpty();
    }

    @Test
    void aSignOfLifeRenewsTheLeaseAndTheResultTakesTheJobOffTheSocket() {
        Socket s = connect();
        deliveries.offer(queued("job_1"));
        Instant sent = clock.instant();
        clock.advance(Duration.ofSeconds(5));

        deliveries.alive(s.connection(), "job_1");
        deliveries.alive(s.connection(), "job_9"); // never sent here: nothing to renew

        assertThat(deliveries.of(s.connection())).containsOnlyKeys("job_1");
        assertThat(deliveries.of(s.connection()).get("job_1")).isEqualTo(sent.plusSeconds(5));
        deliveries.answered(s.connection(), "job_1");
        assertThat(deliveries.of(s.connection())).isEmpty();
    }

    @Test
    void aJobThatTimedOutAfterItWasSentIsCancelledOnTheAgentsSocket() {
        Socket s = connect();
        deliveries.offer(queued("job_1"));
        clock.advance(Duration.ofSeconds(30));

        List<Job> expired = jobs.expire(clock.instant());
        expired.forEach(deliveries::expired);

        assertThat(s.channel().sent())
                .filteredOn(f -> f.contains("\"cancel\""))
                .singleElement()
                .asString()
                .contains("job_1");
        assertThat(deliveries.of(s.connection())).isEmpty();
    }

    @Test
    void aJobThatTimedOutUnsentIsNotCancelled() {
        Socket s = connect();
        queued("job_1");
        clock.advance(Duration.ofSeconds(30));

        jobs.expire(clock.instant()).forEach(deliveries::expired);

        assertThat(s.channel().sent()).isEmpty();
    }

    @Test
    void aJobWhoseSendingCouldNotBeMarkedIsSentAgainByTheResyncOnceTheDatabaseAnswers() {
        // The mark is bookkeeping and is not waited for: the job goes out at once. A mark the database
        // refused makes the socket owe a resend, and the agent's journal answers the repeat.
        Socket s = connect();
        deliveries.redeliver(s.connection()); // welcomed, nothing unfinished yet
        Job job = queued("job_1");

        assertThat(deliveries.offer(job))
                .hasValueSatisfying(sent -> assertThat(sent.attempt()).isEqualTo(1));
        assertThat(s.dispatched("job_1")).hasSize(1);
        jobs.down();
        marksDue();

        deliveries.resync(); // still down: nothing, and no throw
        assertThat(s.dispatched("job_1")).hasSize(1);

        jobs.up();
        deliveries.resync();
        assertThat(s.dispatched("job_1")).hasSize(2);
        marksDue();
        assertThat(attempt("job_1")).isEqualTo(1);

        deliveries.resync();
        assertThat(s.dispatched("job_1")).as("the resend is owed once").hasSize(2);
    }

    @Test
    void afterADatabaseFailureOnASocketEveryUnfinishedJobIsSentAgainAlsoThoseItCarried() {
        // A result refused during the outage leaves its job unfinished, and the hub cannot know which
        // answers it refused: every unfinished job goes out again, and the agent's journal answers repeats.
        Socket s = connect();
        deliveries.redeliver(s.connection());
        deliveries.offer(queued("job_1"));

        deliveries.resendWhenBack(s.connection());
        deliveries.resync();

        assertThat(s.dispatched("job_1")).hasSize(2);
        assertThat(s.dispatched("job_1").get(1)).contains("\"attempt\":2");
        marksDue();
        assertThat(attempt("job_1")).isEqualTo(2);
    }

    @Test
    void aResendThatFailsAgainIsStillOwed() {
        Socket s = connect();
        deliveries.redeliver(s.connection());
        deliveries.offer(queued("job_1"));
        deliveries.resendWhenBack(s.connection());
        jobs.down();

        assertThatThrownBy(() -> deliveries.redeliver(s.connection())).matches(DatabaseFailures::isUnavailable);
        jobs.up();
        deliveries.resync();

        assertThat(s.dispatched("job_1")).hasSize(2);
    }

    @Test
    void aSocketNotYetWelcomedIsNotResentByTheResyncButWhenItsHelloIsAnswered() {
        Socket s = connect();
        queued("job_1");
        deliveries.resendWhenBack(s.connection()); // the database failed during its hello

        deliveries.resync();
        assertThat(s.channel().sent()).isEmpty();

        deliveries.redeliver(s.connection()); // the held hello answered
        assertThat(s.dispatched("job_1")).hasSize(1);
    }

    @Test
    void theLedgerOfASocketNoLongerListedIsForgotten() {
        Socket s = connect();
        deliveries.offer(queued("job_1"));

        registry.closed(s.connection());
        deliveries.resync();

        assertThat(deliveries.of(s.connection())).isEmpty();
    }
}
