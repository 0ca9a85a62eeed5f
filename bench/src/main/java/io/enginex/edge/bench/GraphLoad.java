package io.enginex.edge.bench;

import static io.enginex.edge.e2e.support.HubApi.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Offline graphs on the agent (issue 18), two numbers with the packaged agent and a real hub process:
 *
 * <ol>
 *   <li><b>steps per second</b> of the agent's graph engine: {@code --runs} runs of a graph of {@code
 *       --steps} {@code fs.stat} steps (each a chain link on the one before), started with {@code
 *       enginex-agent graph run} while the agent is not connected; measured from each run's start to
 *       its end as the run file records them (the device clock), so the JVM's start is not counted.
 *       Each step is a real job of the agent's job runner: policy, sandbox, a {@code begin} and a
 *       {@code finish} in the graph job journal and an {@code attempt} and a {@code step} line in the
 *       run file, each forced to the disk, and one audit line.
 *   <li><b>sync of the offline step records</b> ({@code runs × steps}, 10,000 by default): the agent
 *       then connects ({@code enginex-agent run}) and uploads them; measured from the start of the agent
 *       process to the moment the hub's API answers every run with all its steps (polled every 50 ms),
 *       and separately from the agent saying it is connected.
 * </ol>
 *
 * Run with {@code bench/run graphs [--steps 500] [--runs 20]}; see docs/BENCHMARKS.md.
 */
public final class GraphLoad {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GraphLoad() {}

    public static void main(String[] args) throws Exception {
        int steps = 500;
        int runs = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> {
                    System.out.println("""
                            usage: GraphLoad [--steps N] [--runs R]
                              --steps  steps in the graph, 1 to 500 (default 500)
                              --runs   runs made offline, then synced (default 20: 10,000 step records)""");
                    return;
                }
            }
        }
        Path tmp = Files.createTempDirectory("enginex-bench-graphs");
        Path logs = Jvm.freshLogs("graph-load");
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("data.csv"), "a,b\n1,2\n");
        Path graph = Files.writeString(tmp.resolve("chain.json"), chain(steps));
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs);
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("bench");
            if (agent.register(hub, api.createRegistrationToken("bench")).exitCode() != 0) {
                throw new IllegalStateException("agent registration failed; see " + logs);
            }

            // 1. The engine, offline: the agent is not connected.
            List<String> ids = new ArrayList<>();
            double engineSeconds = 0;
            for (int r = 0; r < runs; r++) {
                OsProcess.Completed ran = agent.command("graph", "run", graph.toString(), "--root", root.toString());
                if (ran.exitCode() != 0) {
                    throw new IllegalStateException("graph run failed: " + ran.output());
                }
            }
            OsProcess.Completed listed = agent.command("graph", "runs", "--json");
            for (JsonNode run :
                    MAPPER.readTree(listed.output().substring(listed.output().indexOf('[')))) {
                ids.add(run.path("runId").asText());
                Instant start = Instant.parse(run.path("startedAt").asText());
                Instant end = Instant.parse(run.path("endedAt").asText());
                engineSeconds += Duration.between(start, end).toNanos() / 1e9;
                if (!run.path("status").asText().equals("succeeded")) {
                    throw new IllegalStateException("run " + run.path("runId").asText() + " did not succeed");
                }
            }
            long records = (long) steps * runs;
            System.out.printf(
                    Locale.ROOT,
                    "engine: %d runs of %d steps in %.2f s of run time: %.0f steps/s (%.2f ms a step)%n",
                    runs,
                    steps,
                    engineSeconds,
                    records / engineSeconds,
                    engineSeconds * 1000 / records);

            // 2. The sync: connect and wait until the hub has every step record.
            long started = System.nanoTime();
            agent.run();
            long connected = System.nanoTime();
            for (String id : ids) {
                while (true) {
                    var answer = api.get("/api/v1/tenants/bench/graph-runs/" + id);
                    if (answer.status() == 200
                            && answer.body().path("steps").size() == steps
                            && answer.body().path("status").asText().equals("succeeded")) {
                        break;
                    }
                    Thread.sleep(50); // a benchmark's poll, not a test's synchronisation
                }
            }
            long done = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "sync: %d step records in %d runs on the hub %.2f s after the agent started,"
                            + " %.2f s after it connected (%.0f records/s)%n",
                    records,
                    runs,
                    (done - started) / 1e9,
                    (done - connected) / 1e9,
                    records / ((done - connected) / 1e9));
            expect(200, api.get("/api/v1/tenants/bench/agents"));
        }
    }

    /** A graph of {@code n} {@code fs.stat} steps, each depending on the one before. */
    static String chain(int n) {
        StringBuilder b = new StringBuilder("{\"version\":1,\"name\":\"chain\",\"steps\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"s")
                    .append(i)
                    .append("\",\"tool\":\"fs.stat\",\"args\":{\"path\":\"data.csv\"}");
            if (i > 0) {
                b.append(",\"dependsOn\":[\"s").append(i - 1).append("\"]");
            }
            b.append('}');
        }
        return b.append("]}").toString();
    }
}
