package io.enginex.edge.agent.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.testing.RecordingOutbox;
import io.enginex.edge.agent.testing.RecordingTool;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Pause;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {
    @TempDir
    Path stateDir;

    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final RecordingTool tool = new RecordingTool();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private JobJournal journal;
    private RecordingOutbox outbox;
    private JobRunner runner;

    @AfterEach
    void tearDown() {
        tool.release();
        tool.letEnd();
        if (runner != null) {
            runner.close();
        }
        executor.close();
        if (journal != null) {
            journal.close();
        }
    }

    @Test
    void newJobIsAckedRunOnceAndAnswered() {
        start();
        runner.dispatch(dispatch("job_1", "{}", Duration.ofSeconds(10)));
        JobOutcome outcome = awaitResult("job_1");
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.output().path("call").asInt()).isEqualTo(1);
        assertThat(outbox.sent().getFirst().kind()).isEqualTo("ack");
        assertThat(journal.lookup("job_1")).isInstanceOf(JobStatus.Finished.class);
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void finishedJobRedeliveredIsAnsweredFromTheJournalAndNeverRunTwice() {
        start();
        runner.dispatch(dispatch("job_1", "{}", Duration.ofSeconds(10)));
        JobOutcome first = awaitResult("job_1");

        restart(); // a redelivery may also come after an agent restart
        runner.dispatch(dispatch("job_1", "{}", Duration.ofSeconds(10)));
        runner.dispatch(dispatch("job_1", "{}", Duration.ofSeconds(10)));

        List<RecordingOutbox.Sent> results = outbox.results("job_1");
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.replayed()).isTrue();
            assertThat(r.outcome()).isEqualTo(first);
        });
        assertThat(outbox.of("ack", "job_1")).hasSize(2);
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void jobBegunBeforeARestartIsReportedInterruptedAndNeverRun() {
        start();
        journal.begin("job_crashed"); // the earlier process died while this job ran
        restart();

        runner.dispatch(dispatch("job_crashed", "{}", Duration.ofSeconds(10)));
        JobOutcome outcome = awaitResult("job_crashed");
        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.INTERRUPTED);
        assertThat(outcome.error().message()).contains("not run again");
        assertThat(outbox.results("job_crashed").getFirst().replayed()).isFalse();
        assertThat(tool.calls()).isZero();

        // Asked again, the same answer comes from the journal.
        runner.dispatch(dispatch("job_crashed", "{}", Duration.ofSeconds(10)));
        await().until(() -> outbox.results("job_crashed").size() == 2);
        assertThat(outbox.results("job_crashed").get(1).outcome().error().code())
                .isEqualTo(ErrorCodes.INTERRUPTED);
        assertThat(tool.calls()).isZero();
    }

    @Test
    void redeliveryWhileRunningDoesNotStartASecondRun() {
        start();
        runner.dispatch(dispatch("job_1", "{\"block\":true}", Duration.ofSeconds(20)));
        await().until(() -> tool.calls() == 1);
        runner.dispatch(dispatch("job_1", "{\"block\":true}", Duration.ofSeconds(20)));
        assertThat(outbox.of("ack", "job_1")).hasSize(2);
        assertThat(outbox.results("job_1")).isEmpty();

        tool.release();
        JobOutcome outcome = awaitResult("job_1");
        assertThat(outcome.ok()).isTrue();
        assertThat(tool.calls()).isEqualTo(1);
        assertThat(outbox.results("job_1")).hasSize(1);
    }

    @Test
    void pastItsDeadlineTheToolIsInterruptedAndTheJobFails() {
        start();
        runner.dispatch(dispatch("job_slow", "{\"block\":true}", Duration.ofMillis(300)));
        JobOutcome outcome = awaitResult("job_slow");
        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        await().until(() -> tool.interruptions() == 1);
        assertThat(journal.lookup("job_slow")).isEqualTo(new JobStatus.Finished(outcome));
    }

    @Test
    void cancelInterruptsTheToolAndReportsCancelled() {
        start();
        runner.dispatch(dispatch("job_c", "{\"block\":true}", Duration.ofSeconds(20)));
        await().until(() -> !outbox.of("progress", "job_c").isEmpty());
        runner.cancel(new Cancel("h-9", "job_c", "cancelled by operator"));
        JobOutcome outcome = awaitResult("job_c");
        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.CANCELLED);
        assertThat(outcome.error().message()).contains("cancelled by operator");
        assertThat(outbox.of("progress", "job_c").getFirst().message()).isEqualTo("blocking");
    }

    @Test
    void aCancelledJobIsReportedOnlyAfterItsToolEnded() {
        start();
        tool.holdEnd(); // like exec: SIGTERM, grace period, SIGKILL before the call returns
        runner.dispatch(dispatch("job_c", "{\"block\":true}", Duration.ofSeconds(20)));
        await().until(() -> !outbox.of("progress", "job_c").isEmpty());

        runner.cancel(new Cancel("h-9", "job_c", "cancelled by operator"));
        await().until(() -> tool.interruptions() == 1);
        assertThat(outbox.results("job_c"))
                .as("no result while the tool still ends")
                .isEmpty();

        tool.letEnd();
        JobOutcome outcome = awaitResult("job_c");
        assertThat(tool.endedAfterInterrupt()).isEqualTo(1);
        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.CANCELLED);
    }

    @Test
    void stoppingTheAgentEndsRunningToolsThenReportsTheirJobsInterrupted() throws Exception {
        start();
        tool.holdEnd();
        runner.dispatch(dispatch("job_s", "{\"block\":true}", Duration.ofSeconds(20)));
        await().until(() -> !outbox.of("progress", "job_s").isEmpty());

        java.util.concurrent.Future<Integer> stopping = executor.submit(() -> runner.stop(Duration.ofSeconds(20)));
        await().until(() -> tool.interruptions() == 1);
        assertThat(outbox.results("job_s"))
                .as("no result while the tool still ends")
                .isEmpty();
        runner.dispatch(dispatch("job_late", "{}", Duration.ofSeconds(20)));

        tool.letEnd();
        assertThat(stopping.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .as("jobs left running")
                .isZero();
        JobOutcome outcome = awaitResult("job_s");
        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.INTERRUPTED);
        assertThat(outcome.error().message()).contains("agent stopped", "process tree was ended");
        assertThat(journal.lookup("job_s")).isEqualTo(new JobStatus.Finished(outcome));
        assertThat(journal.lookup("job_late"))
                .as("a job arriving while stopping is not started")
                .isInstanceOf(JobStatus.New.class);
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void aRunningJobsLeaseIsRenewedAndAFinishedOneIsNot() {
        start();
        runner.dispatch(dispatch("job_long", "{\"block\":true}", Duration.ofSeconds(20)));
        await().until(() -> !outbox.of("progress", "job_long").isEmpty());

        assertThat(runner.renewLeases()).isEqualTo(1);
        assertThat(outbox.of("progress", "job_long"))
                .extracting(p -> p.message())
                .contains("still running");

        tool.release();
        awaitResult("job_long");
        await().until(() -> runner.renewLeases() == 0);
    }

    @Test
    void invalidArgumentsAndUnknownToolsAreJournaledFailures() {
        start();
        runner.dispatch(dispatch("job_bad", "{\"block\":3}", Duration.ofSeconds(10)));
        runner.dispatch(new Dispatch(
                "h-2",
                "job_unknown",
                "fs.nope",
                mapper.createObjectNode(),
                Instant.now().plusSeconds(10),
                1));
        assertThat(awaitResult("job_bad").error().code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS);
        assertThat(awaitResult("job_unknown").error().code()).isEqualTo(ErrorCodes.UNKNOWN_TOOL);
        assertThat(journal.lookup("job_bad")).isInstanceOf(JobStatus.Finished.class);
        assertThat(tool.calls()).isZero();
    }

    @Test
    void aJobArrivingAfterItsDeadlineIsNotRun() {
        start();
        runner.dispatch(new Dispatch(
                "h-1",
                "job_late",
                RecordingTool.NAME,
                mapper.createObjectNode(),
                Instant.now().minusSeconds(1),
                1));
        assertThat(awaitResult("job_late").error().code()).isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        assertThat(tool.calls()).isZero();
    }

    private final java.util.concurrent.atomic.AtomicReference<Pause> pause =
            new java.util.concurrent.atomic.AtomicReference<>();

    private void start() {
        journal = JobJournal.open(stateDir, mapper, JournalLimits.DEFAULT, Clock.systemUTC());
        outbox = new RecordingOutbox();
        runner = JobRunner.builder(journal, outbox, executor, Clock.systemUTC())
                .tools(new ToolRegistry(List.of(tool)))
                .maxConcurrent(4)
                .pause(pause::get)
                .build();
    }

    /** A runner whose only tool the policy marks consentRequired, asked through {@code consent}. */
    private void startWithConsent(io.enginex.edge.agent.tools.ToolConsent consent) {
        journal = JobJournal.open(stateDir, mapper, JournalLimits.DEFAULT, Clock.systemUTC());
        outbox = new RecordingOutbox();
        runner = JobRunner.builder(journal, outbox, executor, Clock.systemUTC())
                .tools(new ToolRegistry(
                        List.of(tool), java.util.Map.of(), java.util.Set.of(), java.util.Set.of(RecordingTool.NAME)))
                .maxConcurrent(4)
                .toolConsent(consent)
                .build();
    }

    @Test
    void aConsentMarkedToolRunsOnlyAfterAnAllowAndTheResultCarriesTheAnswer() {
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        startWithConsent((jobId, name, args, deadline, requestedBy, evidence) -> {
            asked.add(jobId + " " + name + " " + args);
            evidence.accept(mapper.createObjectNode().put("answer", "allowed").put("answeredBy", "alice"));
        });

        runner.dispatch(dispatch("job_ok", "{\"block\":false}", Duration.ofSeconds(10)));

        JobOutcome outcome = awaitResult("job_ok");
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.consent().path("answeredBy").asText()).isEqualTo("alice");
        assertThat(asked).containsExactly("job_ok " + RecordingTool.NAME + " {\"block\":false}");
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void theHubsRequesterOfTheJobReachesThePersonAskedForConsent() {
        List<String> requesters = new java.util.concurrent.CopyOnWriteArrayList<>();
        startWithConsent(new io.enginex.edge.agent.tools.ToolConsent() {
            @Override
            public void ask(
                    String jobId,
                    String tool,
                    JsonNode args,
                    Instant deadline,
                    String requestedBy,
                    java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> evidence) {
                requesters.add(jobId + " " + requestedBy);
                evidence.accept(
                        mapper.createObjectNode().put("answer", "allowed").put("requestedBy", requestedBy));
            }
        });
        Dispatch plain = dispatch("job_r", "{\"block\":false}", Duration.ofSeconds(10));

        runner.dispatch(new Dispatch(
                plain.id(), plain.jobId(), plain.tool(), plain.args(), plain.deadline(), 1, null, "API key ci-bot"));

        JobOutcome outcome = awaitResult("job_r");
        assertThat(outcome.ok()).isTrue();
        assertThat(requesters).containsExactly("job_r API key ci-bot");
        assertThat(outcome.consent().path("requestedBy").asText()).isEqualTo("API key ci-bot");
    }

    @Test
    void aDeniedOrUnaskableConsentLeavesTheToolUnrunWithItsCode() {
        startWithConsent((jobId, name, args, deadline, requestedBy, evidence) -> {
            if (jobId.equals("job_nobody")) {
                io.enginex.edge.agent.tools.ToolConsent.NOBODY.ask(jobId, name, args, deadline, requestedBy, evidence);
            }
            evidence.accept(mapper.createObjectNode().put("answer", "denied"));
            throw new io.enginex.edge.agent.tools.ToolException(ErrorCodes.CONSENT_DENIED, "alice said no");
        });

        runner.dispatch(dispatch("job_no", "{}", Duration.ofSeconds(10)));
        runner.dispatch(dispatch("job_nobody", "{}", Duration.ofSeconds(10)));

        JobOutcome denied = awaitResult("job_no");
        assertThat(denied.error().code()).isEqualTo(ErrorCodes.CONSENT_DENIED);
        assertThat(denied.consent().path("answer").asText()).isEqualTo("denied");
        JobOutcome nobody = awaitResult("job_nobody");
        assertThat(nobody.error().code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
        assertThat(nobody.error().message()).contains("consentRequired", "enginex-agent session");
        assertThat(nobody.consent()).isNull();
        assertThat(tool.calls()).isZero();
    }

    @Test
    void aConsentMarkedToolIsRefusedToACallerThatDidNotAsk() {
        ToolRegistry registry = new ToolRegistry(
                List.of(tool), java.util.Map.of(), java.util.Set.of(), java.util.Set.of(RecordingTool.NAME));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.call(
                        RecordingTool.NAME,
                        mapper.createObjectNode(),
                        io.enginex.edge.agent.tools.ToolContext.detached(
                                "job_g", Instant.now().plusSeconds(5), Clock.systemUTC())))
                .isInstanceOfSatisfying(
                        io.enginex.edge.agent.tools.ToolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));
        assertThat(tool.calls()).isZero();
    }

    @Test
    void theBuilderRefusesNoJobSlotsAndAMissingPart() {
        journal = JobJournal.open(stateDir, mapper, JournalLimits.DEFAULT, Clock.systemUTC());
        JobRunner.Builder builder = JobRunner.builder(journal, new RecordingOutbox(), executor, Clock.systemUTC());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.maxConcurrent(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrent");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> JobRunner.builder(journal, null, executor, Clock.systemUTC()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("outbox");
    }

    @Test
    void whilePausedNewJobsAreRefusedAgentPausedUnrunAndUnjournaledAndRunOnceResumed() {
        start();
        runner.dispatch(dispatch("job_before", "{}", Duration.ofSeconds(10)));
        JobOutcome before = awaitResult("job_before");
        pause.set(new Pause("alice", java.time.Instant.parse("2026-11-26T10:02:11Z")));

        runner.dispatch(dispatch("job_paused", "{}", Duration.ofSeconds(10)));
        JobOutcome refused = awaitResult("job_paused");
        runner.dispatch(dispatch("job_before", "{}", Duration.ofSeconds(10)));

        assertThat(refused.error().code()).isEqualTo(ErrorCodes.AGENT_PAUSED);
        assertThat(refused.error().message()).contains("alice", "enginex-agent resume");
        assertThat(journal.lookup("job_paused")).isInstanceOf(JobStatus.New.class);
        // A job that ran before the pause is still answered from the journal, not refused.
        await().until(() -> outbox.results("job_before").size() == 2);
        assertThat(outbox.results("job_before").get(1).outcome()).isEqualTo(before);
        assertThat(tool.calls()).isEqualTo(1);

        pause.set(null);
        runner.dispatch(dispatch("job_paused", "{}", Duration.ofSeconds(10)));
        await().until(() -> outbox.results("job_paused").size() == 2);
        assertThat(outbox.results("job_paused").get(1).outcome().ok()).isTrue();
        assertThat(tool.calls()).isEqualTo(2);
    }

    @Test
    void aJobRunningWhenPausedFinishes() {
        start();
        runner.dispatch(dispatch("job_1", "{\"block\":true}", Duration.ofSeconds(20)));
        await().until(() -> tool.calls() == 1);
        pause.set(new Pause("alice", java.time.Instant.now()));

        tool.release();

        assertThat(awaitResult("job_1").ok()).isTrue();
    }

    /** Throws the runner and journal away, as a process restart would, and opens them again. */
    private void restart() {
        runner.close();
        journal.close();
        start();
    }

    private JobOutcome awaitResult(String jobId) {
        return await().atMost(Duration.ofSeconds(10))
                .until(() -> outbox.results(jobId), list -> !list.isEmpty())
                .getFirst()
                .outcome();
    }

    private Dispatch dispatch(String jobId, String args, Duration timeout) {
        try {
            JsonNode json = mapper.readTree(args);
            return new Dispatch(
                    "h-1", jobId, RecordingTool.NAME, json, Instant.now().plus(timeout), 1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
