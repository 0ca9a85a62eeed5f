package io.enginex.edge.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.journal.JobOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local audit log's hash chain: it survives rotation and restarts, and names the first broken line. */
class AuditChainTest {
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path state;

    private AuditLog log(long maxBytes) {
        return new AuditLog(state, maxBytes, 5, Clock.fixed(NOW, ZoneOffset.UTC), mapper);
    }

    private static void record(AuditLog audit, int n) {
        for (int i = 0; i < n; i++) {
            audit.record(
                    "job_" + i,
                    "fs.read",
                    JsonNodeFactory.instance.objectNode().put("path", "q" + i + ".csv"),
                    1,
                    JobOutcome.success(JsonNodeFactory.instance.objectNode(), NOW, NOW));
        }
    }

    private AuditChainCheck.Report verify() throws Exception {
        return new AuditChainCheck(mapper).verify(state);
    }

    private Path current() {
        return state.resolve(AuditLog.FILE);
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(current()));
    }

    private void write(List<String> lines) throws Exception {
        Files.write(current(), lines);
    }

    @Test
    void theChainVerifiesAcrossRotationAndRestarts() throws Exception {
        record(log(1500), 6);
        record(log(1500), 4); // a restart: a new AuditLog continues from the last line on disk

        var report = verify();

        assertThat(state.resolve(AuditLog.FILE + ".1")).exists();
        assertThat(report.verified()).as("%s", report).isTrue();
        assertThat(report.lines()).isEqualTo(10);
        assertThat(report.truncated()).isEmpty();
    }

    @Test
    void anEditedLineIsNamed() throws Exception {
        record(log(1 << 20), 4);
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("q1.csv", "q9.csv"));
        write(lines);

        var broken = verify().firstBreak();

        assertThat(broken.place()).isEqualTo(new AuditChainCheck.Place(AuditLog.FILE, 2));
        assertThat(broken.at()).isEqualTo(NOW.toString());
        assertThat(broken.problem()).contains("edited");
    }

    @Test
    void aDeletedLineIsNamedAtTheLineAfterIt() throws Exception {
        record(log(1 << 20), 4);
        List<String> lines = lines();
        lines.remove(1);
        write(lines);

        var report = verify();

        assertThat(report.firstBreak().place().line()).isEqualTo(2);
        assertThat(report.firstBreak().problem()).contains("deleted, inserted or reordered");
        assertThat(report.lines()).isEqualTo(1);
    }

    @Test
    void reorderedLinesAreNamed() throws Exception {
        record(log(1 << 20), 4);
        List<String> lines = lines();
        Collections.swap(lines, 1, 2);
        write(lines);

        var broken = verify().firstBreak();

        assertThat(broken.place().line()).isEqualTo(2);
        assertThat(broken.problem()).contains("reordered");
    }

    @Test
    void aLineCutOffByACrashIsReportedAsTruncatedAndTheChainContinuesAfterARestart() throws Exception {
        record(log(1 << 20), 3);
        String text = Files.readString(current());
        Files.writeString(current(), text.substring(0, text.length() - 40)); // the last line, cut off

        var afterCrash = verify();
        assertThat(afterCrash.verified()).isTrue();
        assertThat(afterCrash.truncated()).containsExactly(new AuditChainCheck.Place(AuditLog.FILE, 3));
        assertThat(afterCrash.lines()).isEqualTo(2);

        record(log(1 << 20), 2);
        var afterRestart = verify();

        assertThat(afterRestart.verified()).as("%s", afterRestart).isTrue();
        assertThat(afterRestart.lines()).isEqualTo(4);
        assertThat(afterRestart.truncated()).containsExactly(new AuditChainCheck.Place(AuditLog.FILE, 3));
    }

    @Test
    void aLineAddedByHandWithoutAHashIsNamed() throws Exception {
        record(log(1 << 20), 2);
        Files.writeString(
                current(),
                "{\"at\":\"2026-12-04T10:00:00Z\",\"jobId\":\"job_x\",\"tool\":\"fs.read\",\"outcome\":\"ok\"}\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        var broken = verify().firstBreak();

        assertThat(broken.place().line()).isEqualTo(3);
        assertThat(broken.problem()).contains("no hash");
    }

    @Test
    void linesFromBeforeTheChainAreCountedNotChecked() throws Exception {
        Files.writeString(current(), "{\"at\":\"2026-12-01T10:00:00Z\",\"jobId\":\"job_old\",\"outcome\":\"ok\"}\n");
        record(log(1 << 20), 2);

        var report = verify();

        assertThat(report.verified()).as("%s", report).isTrue();
        assertThat(report.unchained()).isEqualTo(1);
        assertThat(report.lines()).isEqualTo(2);
    }

    @Test
    void untrustedTextIsWrittenEscaped() throws Exception {
        AuditLog audit = log(1 << 20);
        audit.record(
                "job_1",
                "fs.read",
                JsonNodeFactory.instance.objectNode().put("path", "a\u202Etxt.exe"),
                1,
                JobOutcome.failure("tool_failed", "line one\nFAKE", NOW, NOW));

        var line = mapper.readTree(lines().getFirst());

        assertThat(line.path("path").asText()).isEqualTo("a\\u202Etxt.exe");
        assertThat(line.path("message").asText()).isEqualTo("line one\\nFAKE");
    }
}
