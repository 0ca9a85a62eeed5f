package io.enginex.edge.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new MessageCodec().mapper();

    @Test
    void tracksAJobFromNewToRunningToFinished() {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.lookup("job_1")).isInstanceOf(JobStatus.New.class);
            journal.begin("job_1");
            assertThat(journal.lookup("job_1")).isInstanceOf(JobStatus.Running.class);
            journal.finish("job_1", ok(7));
            assertThat(journal.lookup("job_1")).isEqualTo(new JobStatus.Finished(ok(7)));
        }
    }

    @Test
    void beginIsOnDiskBeforeItReturns() throws Exception {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_1");
            assertThat(Files.readString(journal.path())).contains("\"op\":\"begin\"", "\"jobId\":\"job_1\"");
        }
    }

    @Test
    void beginsWaitingTogetherShareOneForceAndAreRunningAtOnce() throws Exception {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_0");
            long before = journal.forces();
            List<CompletableFuture<Void>> begun = new ArrayList<>();
            journal.fileWork().lock(); // the writer cannot write: lines wait
            try {
                for (int i = 1; i <= 50; i++) {
                    begun.add(journal.beginAsync("job_" + i));
                }
                assertThat(journal.lookup("job_50"))
                        .as("running in memory before it is on the device")
                        .isInstanceOf(JobStatus.Running.class);
                assertThat(begun).noneMatch(CompletableFuture::isDone);
            } finally {
                journal.fileWork().unlock();
            }
            CompletableFuture.allOf(begun.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertThat(journal.forces() - before)
                    .as("at most the one line the writer took before it waited, then all the rest")
                    .isLessThanOrEqualTo(2);
            assertThat(Files.readString(journal.path())).contains("\"jobId\":\"job_50\"");
        }
        try (JobJournal reopened = open(JournalLimits.DEFAULT)) {
            for (int i = 0; i <= 50; i++) {
                assertThat(reopened.lookup("job_" + i)).isInstanceOf(JobStatus.Interrupted.class);
            }
        }
    }

    @Test
    void aBeginThatCannotBeWrittenFailsItsFutureAndTheJobIsForgotten() {
        JobJournal journal = open(JournalLimits.DEFAULT);
        journal.close();

        assertThatThrownBy(() -> journal.beginAsync("job_1").join())
                .hasCauseInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("closed");
        assertThat(journal.lookup("job_1")).isInstanceOf(JobStatus.New.class);
    }

    @Test
    void beginningAKnownJobIsRefused() {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_1");
            assertThatThrownBy(() -> journal.begin("job_1")).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void afterReopeningABegunJobIsInterruptedAndAFinishedOneKeepsItsOutcome() {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_begun");
            journal.begin("job_done");
            journal.finish("job_done", ok(1));
            journal.begin("job_failed");
            journal.finish("job_failed", JobOutcome.failure("not_found", "no file at \"x\"", T0, T0));
        }
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.lookup("job_begun")).isInstanceOf(JobStatus.Interrupted.class);
            assertThat(journal.lookup("job_done")).isEqualTo(new JobStatus.Finished(ok(1)));
            assertThat(journal.lookup("job_failed"))
                    .isEqualTo(new JobStatus.Finished(JobOutcome.failure("not_found", "no file at \"x\"", T0, T0)));
            assertThat(journal.lookup("job_other")).isInstanceOf(JobStatus.New.class);
        }
    }

    /** The person's consent answer is journaled with the outcome: a replay, or a graph step's resume, has it. */
    @Test
    void aFinishedJobKeepsItsConsentAnswerAfterReopening() {
        var answer = mapper.createObjectNode().put("answer", "denied").put("answeredBy", "alice");
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_asked");
            journal.finish(
                    "job_asked",
                    JobOutcome.failure("consent_denied", "alice said no", T0, T0)
                            .withConsent(answer));
            journal.begin("job_plain");
            journal.finish("job_plain", ok(1));
        }
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.lookup("job_asked"))
                    .isEqualTo(new JobStatus.Finished(JobOutcome.failure("consent_denied", "alice said no", T0, T0)
                            .withConsent(answer)));
            assertThat(((JobStatus.Finished) journal.lookup("job_plain"))
                            .outcome()
                            .consent())
                    .isNull();
        }
    }

    @Test
    void survivesATruncatedLastLineFromACrash() throws Exception {
        Path file;
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_1");
            journal.finish("job_1", ok(1));
            file = journal.path();
        }
        // The process died in the middle of writing the next line.
        Files.writeString(file, "{\"op\":\"begin\",\"jobId\":\"job_2\",\"a", StandardOpenOption.APPEND);
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.lookup("job_1")).isEqualTo(new JobStatus.Finished(ok(1)));
            assertThat(journal.lookup("job_2")).isInstanceOf(JobStatus.New.class);
            journal.begin("job_3"); // appends start on a fresh line
        }
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.lookup("job_3")).isInstanceOf(JobStatus.Interrupted.class);
            assertThat(journal.lookup("job_1")).isInstanceOf(JobStatus.Finished.class);
        }
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .allSatisfy(line -> assertThat(mapper.readTree(line).isObject()).isTrue());
    }

    @Test
    void compactionKeepsTheNewestJobsAndTheFileSmall() throws Exception {
        JournalLimits limits = new JournalLimits(50, 1 << 20);
        try (JobJournal journal = open(limits)) {
            for (int i = 0; i < 400; i++) {
                journal.begin("job_" + i);
                journal.finish("job_" + i, ok(i));
            }
            assertThat(journal.size()).isLessThanOrEqualTo(75);
            assertThat(Files.readAllLines(journal.path())).hasSizeLessThanOrEqualTo(2 * 50 + 64);
            assertThat(journal.lookup("job_399")).isEqualTo(new JobStatus.Finished(ok(399)));
            assertThat(journal.lookup("job_0")).isInstanceOf(JobStatus.New.class);
        }
        try (JobJournal journal = open(limits)) {
            assertThat(journal.lookup("job_399")).isEqualTo(new JobStatus.Finished(ok(399)));
            assertThat(journal.lookup("job_360")).isInstanceOf(JobStatus.Finished.class);
        }
    }

    @Test
    void compactionNeverForgetsARunningJob() {
        try (JobJournal journal = open(new JournalLimits(5, 1 << 20))) {
            journal.begin("job_long");
            for (int i = 0; i < 100; i++) {
                journal.begin("job_" + i);
                journal.finish("job_" + i, ok(i));
            }
            assertThat(journal.lookup("job_long")).isInstanceOf(JobStatus.Running.class);
        }
        try (JobJournal journal = open(new JournalLimits(5, 1 << 20))) {
            assertThat(journal.lookup("job_long")).isInstanceOf(JobStatus.Interrupted.class);
        }
    }

    @Test
    void outputsBeyondTheByteBudgetBecomeANoteButTheJobStaysFinished() {
        try (JobJournal journal = open(new JournalLimits(100, 5_000))) {
            String big = "x".repeat(600);
            for (int i = 0; i < 10; i++) {
                journal.begin("job_" + i);
                journal.finish(
                        "job_" + i,
                        JobOutcome.success(JsonNodeFactory.instance.objectNode().put("data", big), T0, T0));
            }
            JobStatus oldest = journal.lookup("job_0");
            assertThat(oldest).isInstanceOf(JobStatus.Finished.class);
            JobOutcome note = ((JobStatus.Finished) oldest).outcome();
            assertThat(note.ok()).isFalse();
            assertThat(note.error().message()).contains("not run again");
            JobOutcome newest = ((JobStatus.Finished) journal.lookup("job_9")).outcome();
            assertThat(newest.output().path("data").asText()).isEqualTo(big);
        }
    }

    @Test
    void aSecondProcessCannotOpenTheSameJournal() {
        try (JobJournal first = open(JournalLimits.DEFAULT)) {
            assertThatThrownBy(() -> open(JournalLimits.DEFAULT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            assertThat(first.size()).isZero();
        }
    }

    @Test
    void theFirstOutcomeStands() {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_1");
            journal.finish("job_1", ok(1));
            journal.finish("job_1", ok(2));
            assertThat(journal.lookup("job_1")).isEqualTo(new JobStatus.Finished(ok(1)));
        }
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.lookup("job_1")).isEqualTo(new JobStatus.Finished(ok(1)));
            assertThat(List.of(journal.size())).containsExactly(1);
        }
    }

    @Test
    void theProcessTreesOfAJobInterruptedByAKillAreKnownAfterReopeningAndCompaction() {
        RecordedProcess tree = new RecordedProcess(4242, T0.plusMillis(5));
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            journal.begin("job_exec");
            journal.process("job_exec", tree);
            journal.begin("job_done");
            journal.process("job_done", new RecordedProcess(4343, T0));
            journal.finish("job_done", ok(1));
            assertThat(journal.interruptedProcesses())
                    .as("none while this process runs them")
                    .isEmpty();
        } // the agent is killed here: no finish for job_exec
        // Small limits force a compaction at open; the tree must survive it.
        try (JobJournal journal = open(new JournalLimits(1, 1 << 20))) {
            assertThat(journal.interruptedProcesses()).containsOnlyKeys("job_exec");
            assertThat(journal.interruptedProcesses().get("job_exec")).containsExactly(tree);
        }
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThat(journal.interruptedProcesses().get("job_exec")).containsExactly(tree);
            journal.finish("job_exec", JobOutcome.failure("interrupted", "tree ended", T0, T0));
            assertThat(journal.interruptedProcesses()).isEmpty();
        }
    }

    @Test
    void onlyARunningJobCanRecordAProcess() {
        try (JobJournal journal = open(JournalLimits.DEFAULT)) {
            assertThatThrownBy(() -> journal.process("job_x", new RecordedProcess(77, T0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not running");
        }
    }

    private JobJournal open(JournalLimits limits) {
        return JobJournal.open(dir, mapper, limits, Clock.fixed(T0, java.time.ZoneOffset.UTC));
    }

    private static JobOutcome ok(int n) {
        return JobOutcome.success(JsonNodeFactory.instance.objectNode().put("n", n), T0, T0.plusMillis(20));
    }
}
