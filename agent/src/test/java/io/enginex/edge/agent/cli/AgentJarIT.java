package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.testing.FakeHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar ({@code target/enginex-agent.jar} with {@code target/lib/}) started as its own
 * process, the way a person or a service manager starts it.
 */
class AgentJarIT {
    private static final Path JAR = Path.of("target", "enginex-agent.jar");

    @TempDir
    Path temp;

    private FakeHub hub;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void versionComesFromTheJarManifest() throws Exception {
        Process process = agent("--version");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).startsWith("enginex-agent 0.").doesNotContain("dev");
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void registeredAgentConnectsAndExitsWith3WhenRevoked() throws Exception {
        Path state = temp.resolve("state");
        hub.issueRegistrationToken("exr_jar");
        Process register =
                agent("register", "--server", hub.url(), "--token", "exr_jar", "--state-dir", state.toString());
        assertThat(register.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(register.exitValue()).isZero();

        Path stdout = temp.resolve("run.out");
        Path stderr = temp.resolve("run.err");
        Process run = start(stdout, stderr, "run", "--state-dir", state.toString(), "--log-format", "json");
        await().atMost(Duration.ofSeconds(30)).until(() -> read(stdout).contains("Connected to"));
        assertThat(read(stdout)).contains("as agt_1 (tenant acme); tools: sys.info, sys.ping");
        assertThat(read(stderr)).contains("\"message\":\"no --root set: file tools are off\"");

        hub.revoke("agt_1");
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isEqualTo(ExitCodes.REVOKED);
        assertThat(read(stderr)).contains("re-register with a new token");
    }

    @Test
    void terminationSignalStopsTheAgentPromptly() throws Exception {
        Path state = temp.resolve("state");
        hub.issueRegistrationToken("exr_term");
        Process register =
                agent("register", "--server", hub.url(), "--token", "exr_term", "--state-dir", state.toString());
        assertThat(register.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path stdout = temp.resolve("run.out");
        Process run = start(stdout, temp.resolve("run.err"), "run", "--state-dir", state.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> read(stdout).contains("Connected to"));

        run.destroy(); // SIGTERM, as a service manager sends
        assertThat(run.waitFor(15, TimeUnit.SECONDS)).isTrue();
        // The journal lock is released: a new agent can start on the same state directory.
        Process again =
                start(temp.resolve("again.out"), temp.resolve("again.err"), "run", "--state-dir", state.toString());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> read(temp.resolve("again.out")).contains("Connected to"));
        again.destroy();
        assertThat(again.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }

    private Process agent(String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(false).start();
    }

    private Process start(Path stdout, Path stderr, String... args) throws IOException {
        return new ProcessBuilder(command(args))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty(
                "enginex.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(List.of(args));
        return command;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
