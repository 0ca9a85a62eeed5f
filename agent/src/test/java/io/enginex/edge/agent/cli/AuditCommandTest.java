package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.journal.JobOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code enginex-agent audit verify} on a real audit log in a state directory. */
class AuditCommandTest {
    @TempDir
    Path state;

    private final StringWriter out = new StringWriter();

    private int run(String... args) {
        CommandLine cli = AgentCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    private void record(int n) {
        AuditLog audit = new AuditLog(state, 1 << 20, 2, Clock.systemUTC(), new ObjectMapper());
        for (int i = 0; i < n; i++) {
            audit.record(
                    "job_" + i,
                    "sys.ping",
                    JsonNodeFactory.instance.objectNode(),
                    1,
                    JobOutcome.success(JsonNodeFactory.instance.objectNode(), Instant.now(), Instant.now()));
        }
    }

    @Test
    void verifyCountsTheLinesOrNamesTheFirstBrokenOne() throws Exception {
        record(3);
        assertThat(run("audit", "verify", "--state-dir", state.toString())).isZero();
        assertThat(out.toString()).contains("3 line(s) verify");

        Path file = state.resolve(AuditLog.FILE);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replace("job_1", "job_7"));
        Files.write(file, lines);
        out.getBuffer().setLength(0);

        assertThat(run("audit", "verify", "--state-dir", state.toString())).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString())
                .contains("BROKEN after 1 good line(s)")
                .contains("First broken line: line 2 of audit.jsonl (at 20")
                .contains("edited");
    }

    @Test
    void aTruncatedLastLineIsReportedClearly() throws Exception {
        record(2);
        Path file = state.resolve(AuditLog.FILE);
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 30));

        assertThat(run("audit", "verify", "--state-dir", state.toString())).isZero();
        assertThat(out.toString())
                .contains("WARNING: line 2 of audit.jsonl is truncated (cut off, likely by a crash")
                .contains("1 line(s) verify");
    }

    @Test
    void verifyHasHelp() {
        assertThat(run("audit", "verify", "--help")).isZero();
        assertThat(out.toString()).contains("Usage:").contains("audit verify").contains("Examples:");
    }
}
