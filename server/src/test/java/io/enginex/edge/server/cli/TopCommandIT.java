package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.protocol.ToolDescriptor;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.PseudoTerminal;
import io.enginex.edge.server.testing.TcpProxy;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine top} as an operator uses it: the real command in its own JVM on a real
 * pseudo-terminal, against a real hub, and its plain fallback.
 */
class TopCommandIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** {@code engine ARGS} in a new JVM with this test's classpath. */
    static List<String> engine(String... args) {
        String java = System.getProperty(
                "enginex.java", ProcessHandle.current().info().command().orElse("java"));
        var command = new java.util.ArrayList<>(List.of(java, EngineCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static Map<String, String> env(String key) {
        return Map.of(
                "CLASSPATH",
                System.getProperty("java.class.path"),
                "ENGINEX_API_KEY",
                key,
                "TERM",
                "xterm-256color",
                "LANG",
                "C.UTF-8");
    }

    static AgentSocket connectWithApprovalTool(TestAgent agent) {
        AgentSocket socket = hub.connect(agent);
        socket.helloWith(List.of(
                new ToolDescriptor("fs.delete", "fs.delete", "delete a file", TestHub.MAPPER.createObjectNode(), "high")
                        .withApproval(new ToolApproval(true, List.of()))));
        Awaitility.await().until(() -> hub.hub().connections().isConnected(agent.tenant(), agent.agentId()));
        return socket;
    }

    @Test
    void showsAnAgentComingOnlineAndApprovesAPendingJobFromTheTerminal() throws Exception {
        String tenant = hub.newTenant();
        String operator = hub.tenantKey(tenant, "operator");
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String id = agent.agentId();

        URI url = URI.create(hub.url());
        try (TcpProxy link = TcpProxy.to(url.getHost(), url.getPort());
                PseudoTerminal top = PseudoTerminal.start(
                        engine(
                                "top",
                                "--tenant",
                                tenant,
                                "--server",
                                "http://127.0.0.1:" + link.port(),
                                "--interval",
                                "1s"),
                        env(operator),
                        200,
                        40)) {
            top.awaitScreen("the agent, never connected", s -> lineWith(s, id).contains("never connected"));
            assertThat(top.screen()).contains("AGENTS (1)").contains("0/1 agents online");

            try (AgentSocket socket = connectWithApprovalTool(agent)) {
                top.awaitScreen("the agent online", s -> lineWith(s, id).contains("online"));
                assertThat(top.screen()).contains("1/1 agents online");

                String job = hub.dispatch(tenant, session, id, "fs.delete", Map.of("path", "q3-old.csv"), 120)
                        .get("id")
                        .asText();
                top.awaitScreen(
                        "the job awaiting approval",
                        s -> s.contains("PENDING APPROVALS (1)")
                                && lineWith(s, job).contains("fs.delete"));

                top.type("\t");
                top.awaitScreen("the approvals pane focused", s -> s.contains("▶ PENDING APPROVALS"));
                top.type("a");
                top.awaitScreen("the reason prompt", s -> s.contains("Approve " + job + " (fs.delete on test-host)"));
                top.type("month end\r");
                top.awaitScreen("the confirmation", s -> s.contains("with reason \"month end\"? y/n"));
                top.type("y");
                top.awaitScreen("the approval in the status line", s -> s.contains("Approved " + job));

                JsonNode approved = hub.job(tenant, job);
                assertThat(approved.path("approval").path("state").asText()).isEqualTo("approved");
                assertThat(approved.path("approval").path("reason").asText()).isEqualTo("month end");
                Dispatch dispatch = socket.expect(Dispatch.class);
                assertThat(dispatch.jobId()).isEqualTo(job);
                assertThat(dispatch.approvedBy())
                        .isEqualTo(approved.path("approval").path("by").asText());
                top.awaitScreen("the approval gone from the pending list", s -> s.contains("PENDING APPROVALS (0)"));

                link.down();
                top.awaitScreen(
                        "the lost hub in the status line, with the fix",
                        s -> s.contains("error: cannot ")
                                && s.contains("engine serve")
                                && lineWith(s, id).contains("test-host"));
                link.forward();
                top.awaitScreen(
                        "the view recovered",
                        s -> s.contains("in touch with the hub again") && s.contains(" · live · "));

                top.type("q");
                assertThat(top.awaitExit()).isZero();
            }
        }
    }

    @Test
    void printsPlainTablesWhenTheOutputIsNotATerminal() throws Exception {
        String tenant = hub.newTenant();
        String viewer = hub.tenantKey(tenant, "viewer");
        TestAgent agent = hub.register(tenant);
        Path out = dir.resolve("top-" + tenant + ".out");

        var builder = new ProcessBuilder(engine("top", "--tenant", tenant, "--server", hub.url()))
                .redirectOutput(out.toFile())
                .redirectErrorStream(false)
                .redirectError(dir.resolve("top-" + tenant + ".err").toFile());
        builder.environment().putAll(env(viewer));
        Process p = builder.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());

        assertThat(p.exitValue())
                .as(Files.readString(dir.resolve("top-" + tenant + ".err")))
                .isZero();
        String text = Files.readString(out);
        assertThat(text)
                .startsWith("AGENTS (1)")
                .contains("PENDING APPROVALS (0)")
                .contains("RECENT JOBS (0)")
                .doesNotContain("\u001b[");
        assertThat(lineWith(text, agent.agentId())).contains("test-host").contains("never connected");
    }

    @Test
    void plainFlagPrintsTheTablesAndTheFilterNarrowsThem() {
        String tenant = hub.newTenant();
        String key = hub.tenantKey(tenant, "viewer");
        TestAgent first = hub.register(tenant);
        String second = hub.registerWith(
                        hub.newToken(tenant, Map.of("labels", List.of("finance"))), TestAgent.newKeyPair())
                .get("agentId");

        var all = CommandRun.run("top", "--tenant", tenant, "--server", hub.url(), "--api-key", key, "--plain");
        var finance = CommandRun.run(
                "top", "--tenant", tenant, "--server", hub.url(), "--api-key", key, "--plain", "--filter", "FINANCE");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("AGENTS (2)").contains(first.agentId()).contains(second);
        assertThat(finance.out()).contains("AGENTS (1 of 2)").contains(second).doesNotContain(first.agentId());
    }

    @Test
    void watchPrintsTheTablesAgainWhenAJobEventArrives() throws Exception {
        String tenant = hub.newTenant();
        String viewer = hub.tenantKey(tenant, "viewer");
        TestAgent agent = hub.register(tenant);
        String session = hub.newSession(tenant);
        StringWriter out = new StringWriter();
        var cli = EngineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        // A long interval: the second printout can only come from the job event stream.
        Thread watch = Thread.ofVirtual()
                .start(() -> cli.execute(
                        "top",
                        "--tenant",
                        tenant,
                        "--server",
                        hub.url(),
                        "--api-key",
                        viewer,
                        "--plain",
                        "--watch",
                        "--interval",
                        "10m"));
        try {
            Awaitility.await().until(() -> out.toString().contains("RECENT JOBS (0)"));
            String job = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60)
                    .get("id")
                    .asText();

            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> out.toString().contains("RECENT JOBS (1)"));
            assertThat(out.toString()).containsPattern("(?s)--- .*RECENT JOBS \\(0\\).*--- .*RECENT JOBS \\(1\\)");
            assertThat(lineWith(out.toString(), job)).contains("fs.list").contains("queued");
        } finally {
            watch.interrupt();
            watch.join();
        }
    }

    @Test
    void anotherTenantsKeySeesNothingOfThisTenant() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String outsider = hub.tenantKey(hub.newTenant(), "admin");

        var run = CommandRun.run("top", "--tenant", tenant, "--server", hub.url(), "--api-key", outsider, "--plain");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).containsPattern("the hub answered 40[34]");
        assertThat(run.out()).doesNotContain(agent.agentId()).doesNotContain("test-host");
    }

    private static String lineWith(String screen, String text) {
        return screen.lines().filter(l -> l.contains(text)).findFirst().orElse("");
    }
}
