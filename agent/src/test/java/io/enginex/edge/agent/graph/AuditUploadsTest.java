package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit lines of graph steps' tool calls go up with the runs: in order, once, after a restart too. */
class AuditUploadsTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));

    @TempDir
    Path temp;

    private AuditLog audit() {
        return new AuditLog(temp, 1L << 20, 3, clock, mapper);
    }

    private GraphSync sync() {
        return new GraphSync(
                new RunJournal(temp.resolve("graphs/runs"), mapper, clock),
                temp.resolve("graphs/synced.jsonl"),
                temp.resolve(AuditLog.FILE),
                mapper);
    }

    private void call(AuditLog audit, String jobId, JobOutcome outcome) {
        clock.advance(Duration.ofSeconds(1));
        audit.record(jobId, "fs.list", mapper.createObjectNode().put("path", "."), 1, outcome);
    }

    private static GraphRunsAck ack(GraphRuns frame, List<String> audit) {
        return new GraphRunsAck("h-1", frame.id(), List.of(), List.of(), List.of(), audit);
    }

    @Test
    void stepsAuditLinesGoUpInOrderOnceAndNotAgainAfterARestart() {
        AuditLog audit = audit();
        Instant now = clock.instant();
        String run = "run_0123456789abcdef01234567";
        call(audit, run + ":list:1", JobOutcome.success(mapper.createObjectNode(), now, now));
        call(audit, "job_from_the_hub", JobOutcome.success(mapper.createObjectNode(), now, now));
        audit.recordLocal("paused", "alice", "cli");
        call(audit, run + ":list:2", JobOutcome.failure("blocked_by_policy", "not allowed", now, now));

        GraphSync sync = sync();
        long connection = sync.disconnected();
        GraphRuns frame = sync.next("a-1", connection).orElseThrow();
        assertThat(frame.runs()).isEmpty();
        assertThat(frame.audit())
                .extracting(GraphRuns.AuditRecord::jobId)
                .as("only graph steps' lines, oldest first")
                .containsExactly(run + ":list:1", run + ":list:2");
        assertThat(frame.audit().get(1).outcome()).isEqualTo("refused");
        assertThat(frame.audit().get(1).code()).isEqualTo("blocked_by_policy");
        assertThat(frame.audit().get(0).at()).isEqualTo(now.plusSeconds(1));

        // a frame lost with the connection is sent again, the same records
        connection = sync.disconnected();
        GraphRuns again = sync.next("a-2", connection).orElseThrow();
        assertThat(again.audit()).isEqualTo(frame.audit());
        sync.acked(
                ack(again, again.audit().stream().map(GraphRuns.AuditRecord::id).toList()));
        assertThat(sync.next("a-3", connection)).isEmpty();

        call(audit, run + ":after:1", JobOutcome.success(mapper.createObjectNode(), now, now));
        GraphSync restarted = sync();
        long next = restarted.disconnected();
        assertThat(restarted.next("b-1", next).orElseThrow().audit())
                .extracting(GraphRuns.AuditRecord::jobId)
                .as("after a restart, only what the hub does not have")
                .containsExactly(run + ":after:1");
    }

    @Test
    void aHubThatAcknowledgesNoAuditRecordsIsNotSentThemAgainOnThatConnection() {
        AuditLog audit = audit();
        Instant now = clock.instant();
        call(audit, "run_0123456789abcdef01234567:list:1", JobOutcome.success(mapper.createObjectNode(), now, now));
        GraphSync sync = sync();
        long connection = sync.disconnected();
        GraphRuns frame = sync.next("a-1", connection).orElseThrow();
        sync.acked(ack(frame, List.of()));
        assertThat(sync.next("a-2", connection)).isEmpty();
        assertThat(sync.next("a-3", sync.disconnected())).isPresent();
    }
}
