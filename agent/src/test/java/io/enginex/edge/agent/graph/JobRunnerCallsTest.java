package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditTrail;
import io.enginex.edge.agent.dispatch.JobRunner;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.testing.RecordingTool;
import io.enginex.edge.agent.tools.PingTool;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graph steps through the agent's real job runner and job journal. */
class JobRunnerCallsTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final RecordingTool recording = new RecordingTool();
    private final List<String> audited = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @TempDir
    Path temp;

    private JobJournal journal;
    private JobRunner jobs;
    private JobRunnerCalls calls;

    @BeforeEach
    void open() {
        Clock clock = Clock.systemUTC();
        journal = JobJournal.open(temp, mapper, JournalLimits.DEFAULT, clock);
        ToolRegistry tools = new ToolRegistry(
                List.of(recording, new PingTool(clock), lookup()),
                Map.of("fs.delete", "fs.delete is not allowed by the test"));
        AuditTrail audit = (jobId, tool, args, attempt, outcome) -> audited.add(jobId + " " + outcome.summary());
        calls = new JobRunnerCalls(journal, () -> tools, audit, clock);
        jobs = JobRunner.builder(journal, calls, executor, clock)
                .tools(tools)
                .audit(audit)
                .build();
        calls.attach(jobs);
    }

    /** A read-only tool, as its annotations say. */
    private Tool lookup() {
        ToolDescriptor descriptor = new ToolDescriptor(
                "test.lookup",
                "Lookup",
                "reads",
                mapper.createObjectNode().put("type", "object"),
                "low",
                mapper.createObjectNode().put("type", "object"),
                ToolAnnotations.READ_ONLY);
        return new Tool() {
            @Override
            public ToolDescriptor descriptor() {
                return descriptor;
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode call(
                    com.fasterxml.jackson.databind.JsonNode args, io.enginex.edge.agent.tools.ToolContext context) {
                return mapper.createObjectNode();
            }
        };
    }

    @AfterEach
    void close() {
        recording.release();
        jobs.close();
        journal.close();
        executor.shutdownNow();
    }

    @Test
    void stepRunsAsAJournaledAuditedJob() {
        JobOutcome outcome =
                calls.call("run_1:a:1", RecordingTool.NAME, mapper.createObjectNode(), Duration.ofSeconds(30));

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.output().get("call").asInt()).isEqualTo(1);
        assertThat(audited).containsExactly("run_1:a:1 ok");
        assertThat(calls.prior("run_1:a:1")).isInstanceOf(io.enginex.edge.agent.journal.JobStatus.Finished.class);
        // The same job id again is answered from the journal: the tool does not run twice.
        calls.call("run_1:a:1", RecordingTool.NAME, mapper.createObjectNode(), Duration.ofSeconds(30));
        assertThat(recording.calls()).isEqualTo(1);
    }

    @Test
    void stepPastItsTimeoutEndsDeadlineExceeded() {
        JobOutcome outcome = calls.call(
                "run_1:slow:1",
                RecordingTool.NAME,
                mapper.createObjectNode().put("block", true),
                Duration.ofMillis(300));

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        assertThat(recording.interruptions()).isEqualTo(1);
    }

    @Test
    void policyRefusalComesBackAsBlockedByPolicy() {
        JobOutcome outcome = calls.call("run_1:rm:1", "fs.delete", mapper.createObjectNode(), Duration.ofSeconds(5));

        assertThat(outcome.error().code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(audited).containsExactly("run_1:rm:1 blocked_by_policy");
    }

    @Test
    void idempotencyComesFromTheToolsAnnotations() {
        assertThat(calls.idempotent("test.lookup")).isTrue(); // readOnlyHint
        assertThat(calls.idempotent(PingTool.NAME)).isFalse(); // no annotations: not known to be safe
        assertThat(calls.idempotent(RecordingTool.NAME)).isFalse();
        assertThat(calls.idempotent("fs.delete")).isFalse(); // not offered
    }
}
