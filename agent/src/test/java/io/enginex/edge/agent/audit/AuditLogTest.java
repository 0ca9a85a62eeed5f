package io.enginex.edge.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.journal.JobOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Instant NOW = Instant.parse("2026-11-26T05:00:00Z");
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path temp;

    private AuditLog log(long maxBytes) {
        return new AuditLog(temp, maxBytes, 2, Clock.fixed(NOW, ZoneOffset.UTC), mapper);
    }

    @Test
    void everyInvocationAllowedOrRefusedIsOneOwnerOnlyLineWithoutSecretContent() throws Exception {
        AuditLog audit = log(1 << 20);
        audit.record(
                "job_1",
                "fs.read",
                JsonNodeFactory.instance.objectNode().put("path", "q3.csv"),
                1,
                JobOutcome.success(JsonNodeFactory.instance.objectNode(), NOW, NOW));
        audit.record(
                "job_2",
                "fs.write",
                JsonNodeFactory.instance.objectNode().put("path", ".env").put("content", "TOKEN=hunter2"),
                1,
                JobOutcome.failure("blocked_by_policy", "path \".env\" is denied by the rule \"**/.env\"", NOW, NOW));
        audit.record(
                "job_3",
                "fs.read",
                JsonNodeFactory.instance.objectNode().put("path", "big.bin"),
                2,
                JobOutcome.failure("tool_failed", "cannot read", NOW, NOW));

        List<String> lines = Files.readAllLines(audit.path());
        JsonNode refused = mapper.readTree(lines.get(1));

        assertThat(lines).hasSize(3);
        assertThat(mapper.readTree(lines.get(0)).path("outcome").asText()).isEqualTo("ok");
        assertThat(refused.path("outcome").asText()).isEqualTo("refused");
        assertThat(refused.path("code").asText()).isEqualTo("blocked_by_policy");
        assertThat(refused.path("path").asText()).isEqualTo(".env");
        assertThat(refused.path("argsSha256").asText()).hasSize(64);
        assertThat(mapper.readTree(lines.get(2)).path("outcome").asText()).isEqualTo("failed");
        assertThat(String.join("\n", lines)).doesNotContain("hunter2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(audit.path())))
                .isEqualTo("rw-------");
    }

    @Test
    void consentAskedNamesWhoAskedForTheJobOnTheHubWhenKnown() throws Exception {
        AuditLog audit = log(1 << 20);
        var desk = new io.enginex.edge.agent.usersession.ConsentDesk(
                Clock.fixed(NOW, ZoneOffset.UTC), io.enginex.edge.agent.runtime.ConsentAudit.of(audit));

        var asked = desk.open(
                "alice", "job_1", "app.open", null, "{}", "bob@acme.example (dashboard)", NOW.plusSeconds(60));
        desk.open("alice", "job_2", "http.request", "erp-token", NOW.plusSeconds(60));
        desk.answer(asked.id(), "alice", true, "status page");

        List<JsonNode> lines = Files.readAllLines(audit.path()).stream()
                .map(line -> {
                    try {
                        return mapper.readTree(line);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .toList();
        assertThat(lines)
                .extracting(l -> l.path("event").asText())
                .containsExactly("consent.asked", "consent.asked", "consent.answered");
        assertThat(lines.get(0).path("requestedBy").asText()).isEqualTo("bob@acme.example (dashboard)");
        assertThat(lines.get(1).has("requestedBy")).isFalse();
        assertThat(lines.get(2).path("by").asText()).isEqualTo("alice");
    }

    @Test
    void theLogRotatesAndKeepsTheConfiguredNumberOfFiles() throws Exception {
        AuditLog audit = log(400);
        for (int i = 0; i < 20; i++) {
            audit.record(
                    "job_" + i,
                    "sys.ping",
                    JsonNodeFactory.instance.objectNode(),
                    1,
                    JobOutcome.success(JsonNodeFactory.instance.objectNode(), NOW, NOW));
        }

        assertThat(Files.size(audit.path())).isLessThanOrEqualTo(400);
        assertThat(temp.resolve("audit.jsonl.1")).exists();
        assertThat(temp.resolve("audit.jsonl.2")).exists();
        assertThat(temp.resolve("audit.jsonl.3")).doesNotExist();
        assertThat(Files.readString(audit.path())).contains("job_19");
    }
}
