package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.protocol.Result;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI commands run in-process against a {@link FakeHub}, checking exit codes and what a person reads. */
class AgentCliIT {
    @TempDir
    Path temp;

    private FakeHub hub;
    private Path stateDir;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        stateDir = temp.resolve("state");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void runBeforeRegisterSaysHowToRegister() {
        Run run = cli("run", "--state-dir", stateDir.toString());
        assertThat(run.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("not registered yet", "enginex-agent register --server URL --token TOKEN");
    }

    @Test
    void registerRunServeAJobThenRevocationExitsWith3() throws Exception {
        hub.issueRegistrationToken("exr_secret-token");
        Run register = cli(
                "register", "--server", hub.url(), "--token", "exr_secret-token", "--state-dir", stateDir.toString());
        assertThat(register.exit).as(register.err()).isZero();
        assertThat(register.out())
                .contains(
                        "Generating device key…",
                        "Registering with " + hub.url() + " …",
                        "Registered as agt_1 in tenant acme.",
                        "Start it with: enginex-agent run --state-dir " + stateDir + " --root <folder>");
        Path identity = stateDir.resolve("identity.json");
        assertThat(Files.readString(identity)).doesNotContain("exr_secret-token");
        if (identity.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity)))
                    .isEqualTo("rw-------");
        }

        Path root = Files.createDirectories(temp.resolve("shared"));
        Files.writeString(root.resolve("hello.txt"), "hello from the shared folder");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> command(out, err)
                .execute(
                        "run",
                        "--state-dir",
                        stateDir.toString(),
                        "--root",
                        root.toString(),
                        "--backoff-base",
                        "50ms",
                        "--backoff-cap",
                        "200ms"));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("Connected to"));
        assertThat(out.toString())
                .contains("Connected to " + hub.url()
                        + " as agt_1 (tenant acme); tools: fs.list, fs.read, fs.search, fs.stat, sys.info, sys.ping");

        hub.send(hub.dispatch(
                "job_cli",
                "fs.read",
                JsonNodeFactory.instance.objectNode().put("path", "hello.txt"),
                Duration.ofSeconds(10)));
        Result result = hub.await(Result.class, r -> r.jobId().equals("job_cli"), Duration.ofSeconds(10));
        assertThat(result.output().path("content").asText()).isEqualTo("hello from the shared folder");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(stateDir.resolve("audit.jsonl"))
                        && Files.readString(stateDir.resolve("audit.jsonl")).contains("\"jobId\":\"job_cli\""));

        hub.revoke("agt_1");
        assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.REVOKED);
        assertThat(err.toString()).contains("credential was revoked", "enginex-agent register --force");
        assertThat(Files.readString(stateDir.resolve("journal.jsonl"))).contains("job_cli");
    }

    @Test
    void registeringAgainNeedsForceAndAUsedTokenSaysToAskForANewOne() {
        hub.issueRegistrationToken("exr_one");
        assertThat(cli("register", "--server", hub.url(), "--token", "exr_one", "--state-dir", stateDir.toString())
                        .exit)
                .isZero();

        Run again = cli("register", "--server", hub.url(), "--token", "exr_one", "--state-dir", stateDir.toString());
        assertThat(again.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("already registered as agt_1", "--force");

        Run forced = cli(
                "register", "--force", "--server", hub.url(), "--token", "exr_one", "--state-dir", stateDir.toString());
        assertThat(forced.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(forced.err()).contains("already used; ask your admin for a new one (engine tokens create");

        Run unknown = cli(
                "register",
                "--force",
                "--server",
                hub.url(),
                "--token",
                "exr_typo",
                "--state-dir",
                stateDir.toString());
        assertThat(unknown.err()).contains("check you copied the whole token");
    }

    @Test
    void identityShowPrintsWhoButNeverThePrivateKey() throws Exception {
        hub.issueRegistrationToken("exr_show");
        cli("register", "--server", hub.url(), "--token", "exr_show", "--state-dir", stateDir.toString());
        Run show = cli("identity", "show", "--state-dir", stateDir.toString());
        assertThat(show.exit).isZero();
        assertThat(show.out())
                .contains("agt_1", "acme", hub.url(), "Ed25519 SHA256:", "system trust store", "Key made:");
        String privateKey = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(stateDir.resolve("identity.json").toFile())
                .get("privateKey")
                .asText();
        assertThat(show.out()).doesNotContain(privateKey);
    }

    @Test
    void aWorldReadableIdentityIsRefusedWithTheFix() throws Exception {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        hub.issueRegistrationToken("exr_perm");
        cli("register", "--server", hub.url(), "--token", "exr_perm", "--state-dir", stateDir.toString());
        Files.setPosixFilePermissions(stateDir.resolve("identity.json"), PosixFilePermissions.fromString("rw-r--r--"));
        Run run = cli("run", "--state-dir", stateDir.toString());
        assertThat(run.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("chmod 600");
    }

    @Test
    void plainHttpToARemoteHubIsRefused() {
        Run run = cli(
                "register",
                "--server",
                "http://hub.example.com",
                "--token",
                "exr_x",
                "--state-dir",
                stateDir.toString());
        assertThat(run.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("https://", "plain http is allowed only to localhost");
    }

    @Test
    void anUnreachableHubSaysWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run run = cli(
                "register",
                "--server",
                "http://127.0.0.1:" + closedPort,
                "--token",
                "exr_x",
                "--state-dir",
                stateDir.toString());
        assertThat(run.exit).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err())
                .contains("cannot reach the hub at http://127.0.0.1:" + closedPort, "engine serve", "proxy");
        assertThat(stateDir.resolve("identity.json")).doesNotExist();
    }

    @Test
    void registerWithSeveralAddressesSkipsADeadOneAndIdentityHubsChangesTheList() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String dead = "http://127.0.0.1:" + closedPort;
        hub.issueRegistrationToken("exr_multi");
        Run register = cli(
                "register",
                "--server",
                dead + "," + hub.url(),
                "--token",
                "exr_multi",
                "--state-dir",
                stateDir.toString());
        assertThat(register.exit).as(register.err()).isZero();

        Run hubs = cli("identity", "hubs", "--state-dir", stateDir.toString());
        assertThat(hubs.exit).isZero();
        assertThat(hubs.out().lines()).containsExactly(dead, hub.url());
        assertThat(cli("identity", "show", "--state-dir", stateDir.toString()).out())
                .contains("Hub:         " + dead + ", " + hub.url());

        Run set = cli(
                "identity",
                "hubs",
                "--state-dir",
                stateDir.toString(),
                "--set",
                hub.url(),
                "--set",
                "http://localhost:" + closedPort);
        assertThat(set.exit).as(set.err()).isZero();
        assertThat(cli("identity", "hubs", "--state-dir", stateDir.toString())
                        .out()
                        .lines())
                .containsExactly(hub.url(), "http://localhost:" + closedPort);

        Run bad = cli("identity", "hubs", "--state-dir", stateDir.toString(), "--set", hub.url() + ",hub2:8443");
        assertThat(bad.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("hub URL 2 of 2 (hub2:8443)", "did you mean https://hub2:8443");
        Run mixed = cli("identity", "hubs", "--state-dir", stateDir.toString(), "--set", "https://hub.example.com");
        assertThat(mixed.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(mixed.err()).contains("needs a new registration");
    }

    @Test
    void everyCommandHasADescriptionAndExamples() {
        for (String[] args : new String[][] {
            {"--help"},
            {"register", "--help"},
            {"run", "--help"},
            {"identity", "--help"},
            {"identity", "show", "--help"},
            {"identity", "hubs", "--help"}
        }) {
            Run help = cli(args);
            assertThat(help.exit).isZero();
            assertThat(help.out()).as(String.join(" ", args)).contains("Usage:", "Examples:", "enginex-agent");
        }
        assertThat(cli("run", "--help").out()).doesNotContain("--backoff-base");
        assertThat(cli("--version").out()).startsWith("enginex-agent ");
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        CommandLine commandLine = AgentCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = command(out, err).execute(args);
        return new Run(exit, out, err);
    }

    private record Run(int exit, StringWriter outWriter, StringWriter errWriter) {
        String out() {
            return outWriter.toString();
        }

        String err() {
            return errWriter.toString();
        }
    }
}
