package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine graphs} against a running hub: define, update, list, show, withdraw; bad files say where. */
class GraphsCommandIT {
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

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    static String graph(String tool) {
        return """
                {"version": 1, "name": "nightly",
                 "steps": [{"id": "list", "tool": "%s"}]}
                """.formatted(tool);
    }

    @Test
    void aGraphIsDefinedUpdatedListedShownAndWithdrawn(@TempDir Path files) throws Exception {
        String tenant = hub.newTenant();
        Path v1 = Files.writeString(files.resolve("v1.json"), graph("fs.list"));
        Path v2 = Files.writeString(files.resolve("v2.json"), graph("fs.stat"));

        var created = engine("graphs", "create", "--tenant", tenant, "--scope", "tenant", "--file", v1.toString());
        String id = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graphs", hub.platformKey())
                .body()
                .get(0)
                .path("id")
                .asText();
        var updated = engine("graphs", "update", "--tenant", tenant, id, "--file", v2.toString());
        var list = engine("graphs", "list", "--tenant", tenant);
        var show = engine("graphs", "show", "--tenant", tenant, id, "--version", "1");
        var withdrawn = engine("graphs", "withdraw", "--tenant", tenant, id);

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("Defined graph " + id + " nightly version 1 for tenant");
        assertThat(updated.out()).contains("Updated graph " + id + " nightly version 2");
        assertThat(list.out()).contains(id).contains("nightly").contains("assigned");
        assertThat(show.out()).contains("version 1").contains("version 2").contains("\"fs.list\"");
        assertThat(withdrawn.out()).contains("Withdrew graph " + id);
        assertThat(engine("graphs", "list", "--tenant", tenant).out()).contains("withdrawn");
    }

    @Test
    void startQueuesTheGraphForTheAgentListsAndCancelsStartsAndNamesTheFixForBadInput(@TempDir Path files)
            throws Exception {
        String tenant = hub.newTenant();
        Path v1 = Files.writeString(files.resolve("v1.json"), graph("fs.list"));
        engine("graphs", "create", "--tenant", tenant, "--scope", "tenant", "--file", v1.toString());
        String id = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graphs", hub.platformKey())
                .body()
                .get(0)
                .path("id")
                .asText();
        var agent = hub.register(tenant);

        var offline =
                engine("graphs", "start", "--tenant", tenant, id, "--agent", agent.agentId(), "--expires-in", "2h");
        var cancelled = engine("graphs", "start", "--tenant", tenant, id, "--agent", agent.agentId());
        String cancelledId = cancelled.out().replaceAll("(?s).*start (gst_\\S+) queued.*", "$1");
        var cancel = engine("graphs", "cancel-start", "--tenant", tenant, cancelledId);
        var badInput = engine("graphs", "start", "--tenant", tenant, id, "--agent", agent.agentId(), "--input", "[1]");
        var help = engine("graphs", "start", "--help");
        try (var socket = hub.connect(agent)) {
            socket.hello("fs.list");
            var started = engine(
                    "graphs",
                    "start",
                    "--tenant",
                    tenant,
                    id,
                    "--agent",
                    agent.agentId(),
                    "--input",
                    "{\"day\":\"x\"}");

            assertThat(started.exitCode()).as(started.err()).isZero();
            assertThat(started.out())
                    .contains("Started graph " + id + " nightly version 1 on agent " + agent.agentId());
            io.enginex.edge.protocol.Message frame = socket.next();
            while (!(frame instanceof io.enginex.edge.protocol.GraphStart)) {
                frame = socket.next();
            }
            var queued = (io.enginex.edge.protocol.GraphStart) frame;
            assertThat(offline.out()).contains("start " + queued.startId() + " queued");
            frame = socket.next();
            while (!(frame instanceof io.enginex.edge.protocol.GraphStart)) {
                frame = socket.next();
            }
            var start = (io.enginex.edge.protocol.GraphStart) frame;
            assertThat(started.out()).contains("start " + start.startId());
            assertThat(start.input().path("day").asText()).isEqualTo("x");
        }

        assertThat(offline.exitCode()).as(offline.err()).isZero();
        assertThat(cancel.exitCode()).as(cancel.err()).isZero();
        assertThat(cancel.out()).contains("Cancelled start " + cancelledId);
        var starts = engine("graphs", "starts", "--tenant", tenant, "--agent", agent.agentId());
        assertThat(starts.out().lines().filter(l -> l.contains(" sent "))).hasSize(2);
        assertThat(starts.out()).contains(cancelledId).contains("cancelled");
        var again = engine("graphs", "cancel-start", "--tenant", tenant, cancelledId);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("graph_start_not_queued");
        assertThat(badInput.exitCode()).isNotZero();
        assertThat(badInput.err()).contains("--input must be a JSON object");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--agent").contains("--input").contains("--expires-in");
    }

    @Test
    void runsListsTheUploadedRunsAndPrintsOneWithItsSteps(@TempDir Path files) throws Exception {
        String tenant = hub.newTenant();
        Path v1 = Files.writeString(files.resolve("v1.json"), graph("fs.list"));
        engine("graphs", "create", "--tenant", tenant, "--scope", "tenant", "--file", v1.toString());
        String id = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graphs", hub.platformKey())
                .body()
                .get(0)
                .path("id")
                .asText();
        String runId = "run_0123456789abcdef01234567";
        try (var socket = hub.connect(hub.register(tenant))) {
            socket.hello("fs.list");
            var frame = new io.enginex.edge.protocol.GraphRuns(
                    socket.nextId(),
                    java.util.List.of(new io.enginex.edge.protocol.GraphRuns.Run(
                            runId,
                            "nightly",
                            id,
                            1,
                            "failed",
                            java.time.Instant.parse("2026-12-01T02:00:00Z"),
                            java.time.Instant.parse("2026-12-01T02:00:05Z"),
                            null,
                            java.util.List.of(new io.enginex.edge.protocol.GraphRuns.Step(
                                    runId + ":list",
                                    "list",
                                    "failed",
                                    3,
                                    new io.enginex.edge.protocol.ErrorInfo("tool_failed", "no such folder"),
                                    null,
                                    null,
                                    false,
                                    null,
                                    null,
                                    null,
                                    java.time.Instant.parse("2026-12-01T02:00:04Z"),
                                    null,
                                    null)))));
            // the same batch twice: the second changes nothing
            for (int i = 0; i < 2; i++) {
                var again = new io.enginex.edge.protocol.GraphRuns(socket.nextId(), frame.runs());
                socket.send(again);
                while (!(socket.next() instanceof io.enginex.edge.protocol.GraphRunsAck ack
                        && ack.replyTo().equals(again.id()))) {
                    // other frames are not what this waits for
                }
            }
        }

        var list = engine("graphs", "runs", "--tenant", tenant, id);
        var one = engine("graphs", "runs", "--tenant", tenant, id, "--run", runId);

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains(runId).contains("current").contains("failed");
        assertThat(list.out().lines().filter(l -> l.contains(runId))).hasSize(1);
        assertThat(one.out())
                .contains("Run " + runId + " of nightly version 1 (current)")
                .contains("tool_failed")
                .contains("2026-12-01T02:00:04Z");
        assertThat(one.out().lines().filter(l -> l.startsWith("list"))).hasSize(1);
    }

    @Test
    void anInvalidFileIsRefusedNamingTheLineAndPointer(@TempDir Path files) throws Exception {
        String tenant = hub.newTenant();
        Path bad = Files.writeString(files.resolve("bad.json"), """
                {"version": 1, "name": "nightly",
                 "steps": [{"id": "list", "tol": "fs.list"}]}
                """);

        var r = engine("graphs", "create", "--tenant", tenant, "--scope", "tenant", "--file", bad.toString());

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("invalid_graph").contains("graph:2: /steps/0");
    }

    @Test
    void approvalsAreListedDecidedAndTheDecisionReachesTheAgentAgainAfterAReconnectUntilItAnswers(@TempDir Path files)
            throws Exception {
        String tenant = hub.newTenant();
        Path v1 = Files.writeString(files.resolve("v1.json"), graph("fs.list"));
        engine("graphs", "create", "--tenant", tenant, "--scope", "tenant", "--file", v1.toString());
        var agent = hub.register(tenant);
        try (var socket = hub.connect(agent)) {
            socket.hello("fs.list");
            for (String run : java.util.List.of("run_00000000000000a1", "run_00000000000000a2")) {
                socket.send(new io.enginex.edge.protocol.GraphApproval(
                        socket.nextId(),
                        run,
                        "pay",
                        null,
                        "nightly",
                        null,
                        "exec",
                        TestHub.MAPPER.createObjectNode().put("command", "erp-pay"),
                        "sends money",
                        java.time.Instant.parse("2026-12-05T02:00:00Z")));
            }
            org.awaitility.Awaitility.await()
                    .until(() -> engine("graphs", "approvals", "--tenant", tenant, "--waiting")
                                    .out()
                                    .lines()
                                    .filter(l -> l.contains("erp") || l.contains(" exec "))
                                    .count()
                            == 2);
        }
        String list =
                engine("graphs", "approvals", "--tenant", tenant, "--waiting").out();
        String first = list.lines()
                .filter(l -> l.contains("run_00000000000000a1"))
                .findFirst()
                .orElseThrow()
                .split("\\s+")[0];

        // Decided while the agent is offline: sent after its next hello, and again after a reconnect until answered.
        var approved = engine("graphs", "approve", "--tenant", tenant, first, "--reason", "month end");
        assertThat(approved.exitCode()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("Approved step pay of run run_00000000000000a1");
        var twice = engine("graphs", "deny", "--tenant", tenant, first, "--reason", "too late");
        assertThat(twice.exitCode()).isNotZero();
        assertThat(twice.err()).contains("graph_approval_not_waiting").contains("already approved");
        var noReason = engine("graphs", "deny", "--tenant", tenant, first);
        assertThat(noReason.exitCode()).isNotZero();
        for (int connection = 1; connection <= 2; connection++) {
            try (var socket = hub.connect(agent)) {
                socket.hello("fs.list");
                io.enginex.edge.protocol.Message frame = socket.next();
                while (!(frame instanceof io.enginex.edge.protocol.GraphDecision)) {
                    frame = socket.next();
                }
                var decision = (io.enginex.edge.protocol.GraphDecision) frame;
                assertThat(decision.decisionId()).isEqualTo(first);
                assertThat(decision.runId()).isEqualTo("run_00000000000000a1");
                assertThat(decision.approved()).isTrue();
                assertThat(decision.reason()).isEqualTo("month end");
                if (connection == 2) {
                    socket.send(new io.enginex.edge.protocol.GraphDecisionOutcome(
                            socket.nextId(),
                            first,
                            decision.runId(),
                            "pay",
                            io.enginex.edge.protocol.GraphDecisionOutcome.ALREADY_DECIDED,
                            "already decided by local:bob (denied at 2026-12-05T02:01:00Z)"));
                    org.awaitility.Awaitility.await()
                            .until(() -> engine("graphs", "approvals", "--tenant", tenant)
                                    .out()
                                    .contains("already_decided"));
                }
            }
        }
        var shown = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graph-approvals/" + first, hub.platformKey())
                .body();
        assertThat(shown.path("state").asText()).isEqualTo("answered");
        assertThat(shown.path("outcomeMessage").asText()).contains("local:bob");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/audit?type=graph-step.approved", hub.platformKey())
                        .text())
                .contains(first)
                .contains("month end");
        try (var socket = hub.connect(agent)) {
            socket.hello("fs.list");
            socket.send(new io.enginex.edge.protocol.Ping(socket.nextId()));
            io.enginex.edge.protocol.Message frame = socket.next();
            while (!(frame instanceof io.enginex.edge.protocol.Pong)) {
                assertThat(frame)
                        .as("an answered decision is not sent again")
                        .isNotInstanceOf(io.enginex.edge.protocol.GraphDecision.class);
                frame = socket.next();
            }
        }

        // The other step was decided at the machine: the agent tells the hub, again after each welcome; a step the
        // hub decided first is left as it is.
        String second = list.lines()
                .filter(l -> l.contains("run_00000000000000a2"))
                .findFirst()
                .orElseThrow()
                .split("\\s+")[0];
        for (int connection = 1; connection <= 2; connection++) {
            try (var socket = hub.connect(agent)) {
                socket.hello("fs.list");
                for (String run : java.util.List.of("run_00000000000000a2", "run_00000000000000a1")) {
                    socket.send(new io.enginex.edge.protocol.GraphLocalDecision(
                            socket.nextId(),
                            run,
                            "pay",
                            false,
                            "local:ana",
                            "wrong month",
                            java.time.Instant.parse("2026-12-05T02:05:00Z")));
                }
                org.awaitility.Awaitility.await()
                        .until(() -> hub.api()
                                .get("/api/v1/tenants/" + tenant + "/graph-approvals/" + second, hub.platformKey())
                                .body()
                                .path("state")
                                .asText()
                                .equals("answered"));
            }
        }
        var local = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graph-approvals/" + second, hub.platformKey())
                .body();
        assertThat(local.path("outcome").asText()).isEqualTo("decided_on_machine");
        assertThat(local.path("approved").asBoolean(true)).isFalse();
        assertThat(local.path("decidedBy").asText()).isEqualTo("local:ana");
        assertThat(local.path("decidedAt").asText()).isEqualTo("2026-12-05T02:05:00Z");
        assertThat(local.path("decisionReason").asText()).isEqualTo("wrong month");
        assertThat(local.path("answeredAt").asText()).isNotBlank();
        var hubDecided = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graph-approvals/" + first, hub.platformKey())
                .body();
        assertThat(hubDecided.path("outcome").asText()).isEqualTo("already_decided");
        assertThat(hubDecided.path("decidedBy").asText()).isNotEqualTo("local:ana");
        var recorded = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=graph-step-local-decision.recorded", hub.platformKey())
                .body()
                .path("events");
        assertThat(recorded.toString()).contains(second).doesNotContain(first);
        assertThat(recorded).as("audited once, not per frame").hasSize(1);
    }
}
