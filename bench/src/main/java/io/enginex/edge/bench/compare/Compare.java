package io.enginex.edge.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.enginex.edge.bench.fleet.FleetOptions;
import io.enginex.edge.bench.fleet.FleetRun;
import io.enginex.edge.bench.fleet.JobClient;
import io.enginex.edge.bench.fleet.LatencyChart;
import io.enginex.edge.bench.fleet.ScratchDatabase;
import io.enginex.edge.e2e.support.Jvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code bench/run compare}: the anchors and the hub one after another on this machine, each closed
 * loop at the same concurrency, then one JSON summary ({@link Summary}). See docs/BENCHMARKS.md.
 */
public final class Compare {
    static final List<String> SYSTEMS =
            List.of("postgres-anchor", "nats-request-reply", "websocket-echo", "edge-h2", "edge-postgres");
    private static final String USAGE = """
            usage: bench/run compare [--seconds S] [--warmup W] [--clients C] [--only a,b] [--json FILE]
                                     [--rates R1,R2,… --chart FILE.svg]
              --seconds S    measured length of each run (default 30)
              --warmup W     unmeasured warm-up before each (default 10)
              --clients C    concurrent closed-loop clients per run (default 16); the hub and NATS also
                             run once with 1 client for the round-trip ratio
              --only LIST    run only these systems (postgres-anchor, nats-request-reply, websocket-echo,
                             edge-h2, edge-postgres)
              --agents N     simulated agents for the hub runs (default 8)
              --rates LIST   instead of the closed loops: each system open model at each of these
                             offered rates (jobs/s), latency from each job's intended start
                             (postgres-anchor group-commit, nats-request-reply, edge-h2, edge-postgres)
              --chart FILE   with --rates: write the SVG of p50 and p99 against offered rate there
              --json FILE    write the summary there""";

    private Compare() {}

    public static void main(String[] args) throws Exception {
        Duration seconds = Duration.ofSeconds(30);
        Duration warmup = Duration.ofSeconds(10);
        int clients = 16;
        int agents = 8;
        Set<String> only = Set.copyOf(SYSTEMS);
        Path json = null;
        List<Double> rates = List.of();
        Path chart = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--json" -> json = Path.of(args[++i]);
                case "--rates" ->
                    rates = Stream.of(args[++i].split(","))
                            .map(String::strip)
                            .map(Double::parseDouble)
                            .toList();
                case "--chart" -> chart = Path.of(args[++i]);
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see --help");
            }
        }
        if (!rates.isEmpty()) {
            sweep(only, rates, agents, warmup, seconds, chart, json);
            return;
        }
        if (chart != null) {
            throw new IllegalArgumentException("--chart needs --rates (the chart is the open-model sweep); see --help");
        }
        List<RunResult> runs = new ArrayList<>();
        if (only.contains("postgres-anchor")) {
            try (ScratchDatabase db = ScratchDatabase.create("anchorbench")) {
                PostgresAnchor pg = new PostgresAnchor(db.url(), ScratchDatabase.USER);
                runs.add(pg.perJob(clients, warmup, seconds));
                runs.add(pg.groupCommit(clients, warmup, seconds));
            }
        }
        if (only.contains("nats-request-reply")) {
            runs.add(NatsAnchor.run(clients, warmup, seconds));
            runs.add(renamed(NatsAnchor.run(1, warmup, seconds), "1-client"));
        }
        if (only.contains("websocket-echo")) {
            runs.add(WebSocketEcho.run(clients, warmup, seconds));
        }
        for (String db : List.of("h2", "postgres")) {
            if (only.contains("edge-" + db)) {
                runs.addAll(edge(db, agents, clients, warmup, seconds));
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("seconds", seconds.toSeconds());
        settings.put("warmup", warmup.toSeconds());
        settings.put("clients", clients);
        settings.put("agents", agents);
        settings.put("cores", Runtime.getRuntime().availableProcessors());
        Summary summary = new Summary(runs, settings);
        print(summary);
        if (json != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writeValue(json.toFile(), summary.toJson());
            System.out.println("written to " + json);
        }
    }

    /**
     * The open-model sweep: every chosen system at each rate, one line each on the chart, and a JSON
     * object {@code {"sweep":{system:[{rate,jobs_per_s,p50_ms,p99_ms,errors}…]},"settings":{…}}}.
     */
    private static void sweep(
            Set<String> only, List<Double> rates, int agents, Duration warmup, Duration seconds, Path chart, Path json)
            throws Exception {
        Map<String, List<OpenLoop.Outcome>> lines = new LinkedHashMap<>();
        if (only.contains("postgres-anchor")) {
            try (ScratchDatabase db = ScratchDatabase.create("anchorbench")) {
                lines.put(
                        "postgres-anchor group-commit",
                        new PostgresAnchor(db.url(), ScratchDatabase.USER).sweep(rates, warmup, seconds));
            }
        }
        if (only.contains("nats-request-reply")) {
            lines.put("nats-request-reply", NatsAnchor.sweep(rates, warmup, seconds));
        }
        for (String db : List.of("h2", "postgres")) {
            if (only.contains("edge-" + db)) {
                lines.put("edge-" + db, edgeSweep(db, agents, rates, warmup, seconds));
            }
        }
        System.out.println();
        System.out.printf("%-30s %8s %10s %10s %10s %7s%n", "system", "rate", "jobs/s", "p50 ms", "p99 ms", "errors");
        Map<String, Object> out = new LinkedHashMap<>();
        List<LatencyChart.Series> series = new ArrayList<>();
        lines.forEach((system, outcomes) -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (OpenLoop.Outcome o : outcomes) {
                System.out.printf(
                        "%-30s %8.0f %10.1f %10.3f %10.3f %7d%n",
                        system, o.rate(), o.completedPerS(), o.p50Ms(), o.p99Ms(), o.errors());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rate", o.rate());
                row.put("jobs_per_s", o.completedPerS());
                row.put("p50_ms", o.p50Ms());
                row.put("p99_ms", o.p99Ms());
                row.put("errors", o.errors());
                rows.add(row);
            }
            out.put(system, rows);
            series.add(new LatencyChart.Series(
                    system, outcomes.stream().map(OpenLoop.Outcome::point).toList()));
        });
        if (chart != null) {
            Path parent = chart.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(
                    chart,
                    LatencyChart.svg(
                            "latency against offered rate (open model, " + seconds.toSeconds() + " s each, "
                                    + Runtime.getRuntime().availableProcessors() + " cores)",
                            series));
            System.out.println("chart written to " + chart);
        }
        if (json != null) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("seconds", seconds.toSeconds());
            settings.put("warmup", warmup.toSeconds());
            settings.put("agents", agents);
            settings.put("rates", rates);
            settings.put("cores", Runtime.getRuntime().availableProcessors());
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writeValue(json.toFile(), Map.of("sweep", out, "settings", settings));
            System.out.println("written to " + json);
        }
    }

    private static RunResult renamed(RunResult r, String variant) {
        return new RunResult(
                r.system(), variant, r.clients(), r.jobsPerS(), r.p50Ms(), r.p99Ms(), r.errors(), r.seconds());
    }

    /**
     * The hub on {@code db} with {@code agents} simulated agents: a job is {@code POST …/jobs} with an
     * Idempotency-Key and the long-poll until its result, closed loop at {@code clients} and at 1.
     */
    private static List<RunResult> edge(String db, int agents, int clients, Duration warmup, Duration seconds)
            throws Exception {
        String system = "edge-" + db;
        return onHub(db, agents, seconds, job -> {
            RunResult many = ClosedLoop.run(system, "", clients, warmup, seconds, job);
            RunResult one = renamed(ClosedLoop.run(system, "1-client", 1, warmup, seconds, job), "1-client");
            return List.of(many, one);
        });
    }

    /** The hub on {@code db} at each rate, open model (see {@link OpenLoop}). */
    private static List<OpenLoop.Outcome> edgeSweep(
            String db, int agents, List<Double> rates, Duration warmup, Duration seconds) throws Exception {
        String system = "edge-" + db;
        return onHub(db, agents, seconds, job -> {
            List<OpenLoop.Outcome> out = new ArrayList<>();
            for (double rate : rates) {
                out.add(OpenLoop.run(system, rate, warmup, seconds, job));
            }
            return out;
        });
    }

    /** What the runs do with the hub's job operation. */
    @FunctionalInterface
    private interface HubRuns<T> {
        T run(ClosedLoop.Operation job) throws Exception;
    }

    /**
     * Starts the hub on {@code db} with {@code agents} simulated agents and gives {@code runs} its job
     * operation: {@code POST …/jobs} with an Idempotency-Key, then the long-poll until the result.
     */
    private static <T> T onHub(String db, int agents, Duration seconds, HubRuns<T> runs) throws Exception {
        String system = "edge-" + db;
        FleetOptions o = new FleetOptions(
                agents,
                1,
                "30s",
                (int) seconds.toSeconds(),
                0,
                0,
                "connect",
                200,
                db,
                "1g",
                true,
                60,
                List.of(),
                null,
                null,
                0,
                "rest",
                1);
        Path tmp = Files.createTempDirectory("enginex-compare");
        try (FleetRun run =
                FleetRun.start(o, tmp.resolve("hub"), Jvm.freshLogs("compare-" + system), Duration.ofMinutes(2))) {
            if (!run.allConnected()) {
                throw new IllegalStateException(
                        system + ": only " + run.connected() + " of " + agents + " agents connected");
            }
            JobClient jobs = run.jobClient();
            List<String> ids = run.agentIds();
            AtomicLong n = new AtomicLong();
            ClosedLoop.Operation job = client -> {
                long i = n.incrementAndGet();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                String id = jobs.create(ids.get((int) (i % ids.size())), "cmp-" + system + "-" + i, deadline);
                String state = jobs.awaitFinished(id, deadline);
                if (!state.equals("succeeded")) {
                    throw new IllegalStateException("job " + id + " ended " + state);
                }
            };
            return runs.run(job);
        } finally {
            deleteTree(tmp);
        }
    }

    private static void print(Summary summary) {
        System.out.println();
        System.out.printf(
                "%-20s %-16s %7s %12s %10s %10s %7s %7s%n",
                "system", "variant", "clients", "jobs/s", "p50 ms", "p99 ms", "errors", "s");
        for (RunResult r : summary.runs()) {
            System.out.printf(
                    "%-20s %-16s %7d %12.1f %10.3f %10.3f %7d %7.1f%n",
                    r.system(), r.variant(), r.clients(), r.jobsPerS(), r.p50Ms(), r.p99Ms(), r.errors(), r.seconds());
        }
        summary.ratios().forEach((k, v) -> System.out.printf("  %s = %.3f%n", k, v));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
