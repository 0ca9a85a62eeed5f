package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The service subcommands that do their work in Java (configure, remove-state); the plans are in ServicePlatformTest. */
class ServiceCommandTest {
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

    @Test
    void configureWritesServerTokenAndPinKeepingTheAdminsLines() throws Exception {
        Path config = temp.resolve("agent.conf");
        Files.writeString(config, "# placed by GPO\nroot = /srv/share\n");

        int exit = run(
                "service",
                "configure",
                "--config",
                config.toString(),
                "--state-dir",
                temp.resolve("state").toString(),
                "--server",
                "https://hub.example.com",
                "--token",
                "exr_secret",
                "--pin",
                "");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readString(config))
                .isEqualTo(
                        "# placed by GPO\nroot = /srv/share\nserver = https://hub.example.com\ntoken = exr_secret\n");
        assertThat(out.toString()).contains("set server, token in").doesNotContain("exr_secret");
    }

    @Test
    void configureDryRunChangesNothing() throws Exception {
        Path config = temp.resolve("agent.conf");

        int exit = run("service", "configure", "--config", config.toString(), "--server", "https://h", "--dry-run");

        assertThat(exit).isZero();
        assertThat(config).doesNotExist();
        assertThat(out.toString()).contains("# would set server in " + config);
    }

    @Test
    void removeStateDeletesStateConfigPolicyAndTheEmptyFolder() throws Exception {
        Path base = Files.createDirectories(temp.resolve("EngineX/Agent"));
        Path state = Files.createDirectories(base.resolve("state"));
        Files.writeString(state.resolve("identity.json"), "{}");
        Files.createDirectories(state.resolve("sub"));
        Files.writeString(state.resolve("sub/x"), "x");
        Files.writeString(base.resolve("agent.conf"), "server = https://h\n");
        Files.writeString(base.resolve("policy.json"), "{}");

        int exit = run(
                "service",
                "remove-state",
                "--config",
                base.resolve("agent.conf").toString(),
                "--state-dir",
                state.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(base).doesNotExist();
        assertThat(temp.resolve("EngineX")).isDirectory();
    }

    @Test
    void removeStateRefusesAFolderThatIsNotTheAgentsState() throws Exception {
        Path notState = Files.createDirectories(temp.resolve("Documents"));
        Files.writeString(notState.resolve("thesis.docx"), "years of work");

        int exit = run(
                "service",
                "remove-state",
                "--config",
                temp.resolve("agent.conf").toString(),
                "--state-dir",
                notState.toString());

        assertThat(exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("does not look like the agent's state");
        assertThat(notState.resolve("thesis.docx")).exists();
    }
}
