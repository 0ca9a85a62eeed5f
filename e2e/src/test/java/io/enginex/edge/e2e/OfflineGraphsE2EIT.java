package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's proof with the real hub and agent: a graph the hub assigned runs every second while the
 * hub is down, the agent is killed (SIGKILL) once in the middle of a step, and when both are back every
 * run is on the hub exactly once, with its steps and the device's times; the step the kill cut off is
 * {@code interrupted}, and no step's effect happened twice. One offline run's command step makes an
 * output of a few MB, which the agent keeps as a file and uploads after the records; the hub is killed
 * in the middle of that upload, which resumes after its restart and stores the file once, with the
 * SHA-256 of the agent's copy.
 */
class OfflineGraphsE2EIT {
    /** Appends its line, then waits (touching {@code blocked}) while {@code hold} exists. */
    private static final String EFFECT =
            "echo \\\"$0\\\" >> effects.txt; while [ -e hold ]; do touch blocked; sleep 0.05; done";

    /** 600 000 NUL bytes on stdout: 3.6 MB of output as JSON text ({@code \\u0000} each). */
    private static final String DUMP = "head -c 600000 /dev/zero";

    /** The dump step runs while the folder {@code big} has an entry. */
    private static final String GRAPH = """
            {"version":1,"name":"offline","schedule":{"cron":"* * * * * *"},
             "steps":[
              {"id":"effect","tool":"exec","args":{"command":"effect","params":{"line":"${input.scheduledFor}"}}},
              {"id":"after","tool":"fs.list","args":{"path":"big"},"dependsOn":["effect"]},
              {"id":"dump","tool":"exec","args":{"command":"dump"},"dependsOn":["after"],
               "when":"steps.after.output.total > 0"}
             ]}""";

    @TempDir
    Path tmp;

    @Test
    void offlineRunsReachTheHubOnceEachAndAKilledStepIsInterruptedNotRepeated() throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        Path root = Files.createDirectories(tmp.resolve("files"));
        Path policy = AgentProcess.machinePolicy(tmp.resolve("policy"), """
                {"version":1,"roots":[{"path":"%s","mode":"write"}],"tools":["exec","fs.list"],
                 "commands":[{"name":"effect","argv":["/bin/sh","-c","%s","{line}"],
                              "params":{"line":{"pattern":".+"}},"timeoutSeconds":60},
                             {"name":"dump","argv":["/bin/sh","-c","%s"],"timeoutSeconds":60}]}
                """.formatted(root.toRealPath(), EFFECT, DUMP));
        Files.createDirectories(root.resolve("big"));
        // About 5 chunks a second, so the upload of the big output lasts long enough to kill the hub in it.
        List<String> agentArgs = List.of("--machine-policy", policy.toString(), "--upload-rate", "1000000");
        Path effects = root.resolve("effects.txt");
        // A heartbeat that a loaded machine keeps: with 500 ms the connection was declared dead every few
        // seconds while the agent's graph runs and the hub's start competed for the cores.
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs, "--heartbeat", "15s");
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            agent.run(agentArgs);
            String graphId = expect(
                            201, api.post("/api/v1/tenants/acme/graphs", Map.of("scope", "tenant", "source", GRAPH)))
                    .body()
                    .path("graph")
                    .path("id")
                    .asText();
            Path assigned = agent.stateDir().resolve("graphs/assigned/offline.json");
            await("the agent stores the assigned graph")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(assigned));

            hub.process().stop();
            Instant hubDown = Instant.now();
            int before = lines(effects).size();
            await("three runs while the hub is down")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> lines(effects).size() >= before + 3);

            // The next run's exec step waits in its loop; kill the agent there.
            Files.writeString(root.resolve("hold"), "");
            await("a run blocks in its step")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(root.resolve("blocked")));
            agent.process().kill();
            Files.delete(root.resolve("hold"));
            int afterKill = lines(effects).size();

            agent.start(agentArgs); // the hub is still down
            await("the killed run is resumed and more runs follow, offline")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> lines(effects).size() >= afterKill + 2);
            // One run's dump step makes a big output, kept as a file beside the run.
            Files.writeString(root.resolve("big/go"), "");
            Path runFiles = agent.stateDir().resolve("graphs/runs");
            await("a run keeps its big output as a file")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> outputFiles(runFiles).size() >= 1);
            Files.delete(root.resolve("big/go"));
            Path bigFile = outputFiles(runFiles).get(0);
            String bigRun = bigFile.getFileName()
                    .toString()
                    .substring(0, bigFile.getFileName().toString().indexOf('.'));
            byte[] bigOutput = Files.readAllBytes(bigFile);
            assertThat(bigOutput.length).isGreaterThan(3_000_000);

            Instant hubUp = Instant.now();
            hub.restart();
            agent.process().awaitOutput("Connected to", Duration.ofSeconds(60));

            // The hub dies in the middle of the upload; after its restart the upload goes on and ends.
            await("the upload of the big output has begun, and not ended")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        JsonNode file = outputFile(hub.api(), bigRun);
                        return file.path("receivedBytes").asLong() > 0;
                    });
            JsonNode partial = outputFile(hub.api(), bigRun);
            assertThat(partial.path("complete").asBoolean())
                    .as("killed in the middle")
                    .isFalse();
            hub.kill();
            hub.restart();
            JsonNode resumed = outputFile(hub.api(), bigRun);
            assertThat(resumed.path("receivedBytes").asLong())
                    .as("what arrived before the kill is kept")
                    .isGreaterThanOrEqualTo(partial.path("receivedBytes").asLong());
            await("the upload resumes and completes")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> outputFile(hub.api(), bigRun).path("complete").asBoolean());
            HubApi.Response download = expect(
                    200,
                    hub.api().get(outputFile(hub.api(), bigRun).path("download").asText()));
            assertThat(sha256(download.text().getBytes(StandardCharsets.UTF_8)))
                    .as("the hub's copy is the agent's")
                    .isEqualTo(sha256(bigOutput));
            JsonNode stored = expect(200, hub.api().get("/api/v1/tenants/acme/audit?type=graph-output.stored"))
                    .body();
            assertThat(stored.findValues("target").stream()
                            .map(t -> t.path("id").asText())
                            .filter(id -> id.equals(bigRun + ":dump"))
                            .toList())
                    .as("stored once")
                    .hasSize(1);

            // Withdrawing the graph stops new runs; then every run on the machine must be on the hub.
            expect(200, hub.api().post("/api/v1/tenants/acme/graphs/" + graphId + "/withdraw", Map.of()));
            await("the agent drops the withdrawn graph")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !Files.exists(assigned));
            HubApi after = hub.api();
            await("every run on the machine ended and reached the hub")
                    .atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> assertThat(endedHubRuns(after, graphId))
                            .isNotEmpty()
                            .isEqualTo(endedLocalRuns(agent.stateDir())));

            JsonNode runs = expect(200, after.get("/api/v1/tenants/acme/graphs/" + graphId + "/runs"))
                    .body();
            List<String> ids = new ArrayList<>();
            runs.forEach(r -> ids.add(r.path("runId").asText()));
            assertThat(ids)
                    .as("each run once")
                    .doesNotHaveDuplicates()
                    .hasSize(endedLocalRuns(agent.stateDir()).size());

            Map<String, JsonNode> detail = new HashMap<>();
            for (String id : ids) {
                detail.put(
                        id,
                        expect(200, after.get("/api/v1/tenants/acme/graph-runs/" + id))
                                .body());
            }
            assertThat(detail.values())
                    .filteredOn(r -> r.path("status").asText().equals("interrupted"))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(state(r, "effect")).isEqualTo("interrupted");
                        assertThat(state(r, "after")).isEqualTo("skipped");
                    });
            assertThat(detail.values())
                    .filteredOn(r -> !r.path("status").asText().equals("interrupted"))
                    .allSatisfy(r -> {
                        assertThat(r.path("status").asText()).isEqualTo("succeeded");
                        assertThat(state(r, "effect")).isEqualTo("succeeded");
                        assertThat(state(r, "after")).isEqualTo("succeeded");
                    });
            assertThat(detail.values()).allSatisfy(r -> {
                assertThat(r.path("steps")).hasSize(3);
                r.path("steps")
                        .forEach(s -> assertThat(s.hasNonNull("settledAt")).isTrue());
                assertThat(r.hasNonNull("startedAt")).isTrue();
                assertThat(r.hasNonNull("endedAt")).isTrue();
                assertThat(r.path("input").path("trigger").asText()).isEqualTo("schedule");
            });
            // Device times: runs started while the hub was down, and arrived after it was started again.
            assertThat(detail.values())
                    .filteredOn(r -> between(r.path("startedAt").asText(), hubDown, hubUp))
                    .hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(
                            r -> assertThat(Instant.parse(r.path("arrivedAt").asText()))
                                    .isAfter(hubUp));

            // The audit lines of the steps' tool calls, written on the machine offline, are in the hub's audit once.
            Set<String> localRuns = endedLocalRuns(agent.stateDir());
            await("the steps' audit lines reach the hub")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> stepAudit(after).stream()
                            .map(e -> e.path("target").path("id").asText())
                            .anyMatch(id -> id.equals(bigRun + ":dump")));
            List<JsonNode> audited = stepAudit(after);
            assertThat(audited.stream()
                            .map(e -> e.path("details").path("recordId").asText()))
                    .as("each audit line once")
                    .doesNotHaveDuplicates();
            assertThat(audited.stream().map(e -> e.path("target").path("id").asText()))
                    .as("the dump step's one tool call")
                    .containsOnlyOnce(bigRun + ":dump");
            assertThat(audited)
                    .filteredOn(e -> e.path("target").path("id").asText().equals(bigRun + ":dump"))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.path("actor").path("type").asText()).isEqualTo("agent");
                        assertThat(Instant.parse(
                                        e.path("details").path("deviceAt").asText()))
                                .as("written offline")
                                .isBefore(hubUp);
                        assertThat(Instant.parse(e.path("at").asText()))
                                .as("arrived after")
                                .isAfter(hubUp);
                    });
            assertThat(audited.stream()
                            .map(e -> e.path("target").path("id").asText())
                            .map(id -> id.substring(0, id.indexOf(':')))
                            .distinct())
                    .as("every run's tool calls are audited")
                    .containsAll(localRuns.stream()
                            .filter(id ->
                                    !detail.get(id).path("status").asText().equals("interrupted"))
                            .toList());

            // The effect step ran once per run: one line each, none twice (the killed one included).
            List<String> effectLines = lines(effects);
            Set<String> scheduled = new TreeSet<>();
            detail.values()
                    .forEach(r ->
                            scheduled.add(r.path("input").path("scheduledFor").asText()));
            assertThat(effectLines).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(scheduled);
        }
    }

    /** The hub's audit events of graph steps' tool calls (the latest 500). */
    private static List<JsonNode> stepAudit(HubApi api) {
        List<JsonNode> events = new ArrayList<>();
        expect(200, api.get("/api/v1/tenants/acme/audit?type=graph-step.audited&limit=500"))
                .body()
                .path("events")
                .forEach(events::add);
        return events;
    }

    /** The step output files beside the runs. */
    private static List<Path> outputFiles(Path runs) throws IOException {
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runs)) {
            return files.filter(f -> f.toString().endsWith(".out")).sorted().toList();
        }
    }

    /** The hub's view of the output file of step dump of {@code runId} (missing until uploaded). */
    private static JsonNode outputFile(HubApi api, String runId) {
        HubApi.Response run = api.get("/api/v1/tenants/acme/graph-runs/" + runId);
        if (run.status() != 200) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        for (JsonNode s : run.body().path("steps")) {
            if (s.path("step").asText().equals("dump")) {
                return s.path("outputFile");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String sha256(byte[] bytes) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String state(JsonNode run, String step) {
        for (JsonNode s : run.path("steps")) {
            if (s.path("step").asText().equals(step)) {
                return s.path("state").asText();
            }
        }
        return "absent";
    }

    private static boolean between(String at, Instant from, Instant to) {
        Instant t = Instant.parse(at);
        return t.isAfter(from) && t.isBefore(to);
    }

    /** The runs in the agent's run files, or null while one has not ended. */
    private static Set<String> endedLocalRuns(Path stateDir) throws IOException {
        Set<String> ids = new TreeSet<>();
        Path dir = stateDir.resolve("graphs/runs");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                if (!Files.readString(file, StandardCharsets.UTF_8).contains("\"op\":\"end\"")) {
                    return null;
                }
                ids.add(file.getFileName().toString().replace(".jsonl", ""));
            }
        }
        return ids;
    }

    private static Set<String> endedHubRuns(HubApi api, String graphId) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode run : expect(200, api.get("/api/v1/tenants/acme/graphs/" + graphId + "/runs"))
                .body()) {
            if (run.hasNonNull("endedAt")) {
                ids.add(run.path("runId").asText());
            }
        }
        return ids;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }
}
