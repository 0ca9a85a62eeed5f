package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.journal.JobOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last local actions the status page shows, read from the real audit log. */
class StatusReportTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path stateDir;

    @Test
    void theLastActionsAreTheAuditsToolCallsNewestLastWithWhatTheyActedOn() throws Exception {
        AuditLog audit = new AuditLog(stateDir, 1 << 20, 2, Clock.systemUTC(), mapper);
        Instant now = Instant.now();
        for (int i = 0; i < StatusReport.RECENT_ACTIONS; i++) {
            audit.record(
                    "job_old" + i,
                    "fs.read",
                    mapper.createObjectNode().put("path", "/srv/old" + i),
                    1,
                    JobOutcome.success(mapper.createObjectNode(), now, now));
        }
        audit.record(
                "job_1",
                "fs.read",
                mapper.createObjectNode().put("path", "/srv/q3.csv").put("content", "never shown"),
                1,
                JobOutcome.success(mapper.createObjectNode(), now, now));
        audit.recordLocal("paused", "alice", "status page");
        audit.recordSession("session.connected", "alice", "x");
        audit.secretUsed("job_1", "fs.read", "erp-token", "revealed");
        audit.recordConsent(
                "consent.answered",
                "r-1",
                "job_1",
                "fs.read",
                "erp-token",
                "alice",
                "allowed",
                "alice",
                "dialog",
                null);
        audit.record(
                "job_2",
                "app.open",
                mapper.createObjectNode().put("url", "https://evil.example.com/"),
                1,
                JobOutcome.failure("blocked_by_policy", "not allowed", now, now));

        List<JsonNode> actions = StatusReport.recentActions(audit.path(), mapper);

        assertThat(actions).hasSize(StatusReport.RECENT_ACTIONS);
        JsonNode last = actions.get(actions.size() - 1);
        JsonNode before = actions.get(actions.size() - 2);
        assertThat(last.path("tool").asText()).isEqualTo("app.open");
        assertThat(last.path("target").asText()).isEqualTo("https://evil.example.com/");
        assertThat(last.path("outcome").asText()).isEqualTo("refused");
        assertThat(last.path("code").asText()).isEqualTo("blocked_by_policy");
        assertThat(last.path("jobId").asText()).isEqualTo("job_2");
        assertThat(before.path("target").asText()).isEqualTo("/srv/q3.csv");
        assertThat(before.path("outcome").asText()).isEqualTo("ok");
        assertThat(before.has("code")).isFalse();
        assertThat(actions.get(0).path("jobId").asText()).isEqualTo("job_old2");
        assertThat(actions.toString()).doesNotContain("never shown", "alice");

        JsonNode report = StatusReport.json(stateDir, Optional.empty(), false, List.of(), mapper);
        assertThat(report.path("actions")).hasSize(StatusReport.RECENT_ACTIONS);
    }

    @Test
    void noAuditYetMeansNoActions() {
        assertThat(StatusReport.recentActions(stateDir.resolve("audit.jsonl"), mapper))
                .isEmpty();
        assertThat(Files.exists(stateDir.resolve("audit.jsonl"))).isFalse();
    }
}
