package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PolicyCommandTest {
    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = AgentCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path policy(String json, String perms) throws Exception {
        Path file = Files.writeString(temp.resolve("policy.json"), json);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }

    @Test
    void showPrintsEachRuleWithItsSource() throws Exception {
        Path share = Files.createDirectories(temp.resolve("exports"));
        Path file = policy(
                "{\"roots\":[{\"path\":\"" + temp.toRealPath() + "\",\"mode\":\"write\"}],"
                        + "\"tools\":[\"fs.read\",\"fs.write\"],\"network\":[\"erp.corp:443\"]}",
                "rw-r--r--");

        int code = run(
                "policy",
                "show",
                "--machine-policy",
                file.toString(),
                "--root",
                share.toString(),
                "--state-dir",
                temp.resolve("state").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("Machine policy: machine policy " + file)
                .contains("write  " + share.toRealPath())
                .contains("fs.write    [machine policy " + file)
                .contains("erp.corp:443")
                .contains("**/.ssh    [built-in default]");
    }

    @Test
    void showJsonIsMachineReadable() throws Exception {
        Path file = policy("{\"tools\":[\"sys.info\"]}", "rw-r--r--");

        int code = run(
                "policy",
                "show",
                "--json",
                "--machine-policy",
                file.toString(),
                "--state-dir",
                temp.resolve("state").toString());

        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(code).isZero();
        assertThat(json.path("tools").get(0).path("name").asText()).isEqualTo("sys.info");
        assertThat(json.path("roots")).isEmpty();
    }

    @Test
    void aPolicyFileOthersCanWriteStopsTheCommandWithAFix() throws Exception {
        Path file = policy("{}", "rw-rw-rw-");

        int code = run("policy", "show", "--machine-policy", file.toString());

        assertThat(code).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("error: machine policy", "writable by group or others", "chmod go-w");
    }
}
