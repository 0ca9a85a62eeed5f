package io.enginex.edge.bench.fleet;

import io.enginex.edge.e2e.support.Jvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code bench/run fleet}: a real hub and N simulated agents that speak the real protocol (see {@link
 * SimulatedAgent}). Reports how long connecting took, the hub's memory and its CPU while the fleet is
 * idle; with {@code --rate} an open-model job load through the REST API; with {@code --scenario
 * reconnect-storm} a hub restart and how long until every agent is back, with jobs running through it.
 * See docs/BENCHMARKS.md.
 */
public final class FleetLoad {
    private FleetLoad() {}

    public static void main(String[] args) throws Exception {
        FleetOptions o = FleetOptions.parse(args);
        if (o == null) {
            System.out.println(FleetOptions.USAGE);
            return;
        }
        Path tmp = Files.createTempDirectory("enginex-fleet");
        Path logs = Jvm.freshLogs("fleet");
        Report report = new Report("Fleet on " + (o.nodes() == 1 ? "one hub node" : o.nodes() + " hub nodes") + " ("
                + o.db() + "), " + o.agents() + " simulated agents");
        report.put("agents", o.agents(), "agents", "")
                .put("addresses", o.addresses(), "source addresses", "")
                .put("db", o.db(), "database", "")
                .put("nodes", o.nodes(), "hub nodes", "")
                .put("heartbeat", o.heartbeat(), "heartbeat", "")
                .put("hub_heap", o.hubHeap(), "hub -Xmx", "");
        Duration connectTimeout = Duration.ofSeconds(Math.max(120, 3L * o.agents() / o.connectRate()));
        try (FleetRun run = FleetRun.start(o, tmp.resolve("hub"), logs, connectTimeout)) {
            report.put("register_s", seconds(run.registerTime()), "time to register all", "s")
                    .put("connected", run.connected(), "agents connected", "")
                    .put("connect_s", seconds(run.connectTime()), "time to connect all", "s")
                    .put("connect_rate_limit", o.connectRate(), "first-connect schedule", "/s");
            if (!run.allConnected()) {
                System.out.printf(
                        "!!  only %d of %d agents connected within %d s%n",
                        run.connected(), o.agents(), connectTimeout.toSeconds());
            }
            idle(run, o.seconds(), report);
            if (o.rate() > 0 && !o.scenario().equals("reconnect-storm")) {
                load(run, o, report);
            }
            if (o.scenario().equals("reconnect-storm")) {
                storm(run, o, report);
            }
            if (!o.rates().isEmpty()) {
                sweep(run, o, report);
            }
            Fleet fleet = run.fleet();
            report.put("dispatches_answered", fleet.dispatchedCount(), "dispatches answered by agents", "")
                    .put("rate_limited", fleet.rateLimitedCount(), "token requests answered 429", "")
                    .put("refused", fleet.refusalCount(), "failed connection attempts", "")
                    .putJsonOnly("refusals", fleet.refusalReasons())
                    .putJsonOnly("close_codes", fleet.closeCodes());
        } finally {
            deleteTree(tmp);
        }
        report.print(System.out);
        if (o.json() != null) {
            report.write(o.json());
            System.out.println("  written to " + o.json());
        }
    }

    /** Hub CPU over an idle window with the fleet connected (heartbeats only), and its RSS at the end. */
    private static void idle(FleetRun run, int seconds, Report report) throws InterruptedException {
        System.out.printf("==> idle window: %d s with %,d agents connected%n", seconds, run.connected());
        double cpu0 = run.hubCpuSeconds();
        long t0 = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(seconds));
        double cpu = run.hubCpuSeconds() - cpu0;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long rssKb = run.hubRssKb();
        report.put("idle_seconds", seconds, "idle window", "s")
                .put("connected_after_idle", run.connected(), "agents connected after it", "")
                .put("hub_idle_cpu_pct_of_core", 100 * cpu / elapsed, "hub CPU while idle", "% of one core")
                .put("hub_rss_mib", rssKb / 1024.0, "hub RSS", "MiB")
                .put(
                        "hub_rss_kib_per_agent",
                        (rssKb - run.rssBeforeKb()) / (double) Math.max(1, run.connected()),
                        "hub RSS per agent (over the hub before)",
                        "KiB");
    }

    private static void load(FleetRun run, FleetOptions o, Report report) throws InterruptedException {
        JobRunner runner = run.jobRunner(o);
        try {
            load(run, o, report, new JobLoad(runner, run.agentIds(), Duration.ofSeconds(60)));
        } finally {
            closeIfChannel(runner);
        }
    }

    private static void closeIfChannel(JobRunner runner) {
        if (runner instanceof ChannelClient channel) {
            channel.close();
        }
    }

    private static void load(FleetRun run, FleetOptions o, Report report, JobLoad jobs) throws InterruptedException {
        if (o.warmup() > 0) {
            System.out.printf("==> warm-up: %d s at %.0f jobs/s%n", o.warmup(), o.rate());
            jobs.run(Schedule.of(o.rate(), o.warmup()), new Recorder(3));
        }
        System.out.printf("==> measuring: %d s at %.0f jobs/s%n", o.seconds(), o.rate());
        Recorder recorder = new Recorder(3);
        Map<String, Double> writer0 = writerCounters(run);
        double cpu0 = run.hubCpuSeconds();
        long t0 = System.nanoTime();
        JobLoad.Outcome out = jobs.run(Schedule.of(o.rate(), o.seconds()), recorder);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = run.hubCpuSeconds() - cpu0;
        Map<String, Double> writer1 = writerCounters(run);
        double signals = writer1.getOrDefault(SIGNALS, 0.0) - writer0.getOrDefault(SIGNALS, 0.0);
        double notifies = writer1.getOrDefault(NOTIFIES, 0.0) - writer0.getOrDefault(NOTIFIES, 0.0);
        double commits = writer1.getOrDefault(COMMITS, 0.0) - writer0.getOrDefault(COMMITS, 0.0);
        double units = writer1.getOrDefault(UNITS, 0.0) - writer0.getOrDefault(UNITS, 0.0);
        Histogram h = recorder.getIntervalHistogram();
        report.put("rate", o.rate(), "offered job rate", "/s")
                .put("via", o.via(), "jobs through", "")
                .put("jobs_started", out.started(), "jobs started", "")
                .put("jobs_succeeded", out.succeeded(), "jobs succeeded", "")
                .put("job_errors", out.errors(), "job errors (shed ones included)", "")
                .put("jobs_shed", out.errorsByReason().getOrDefault("shed", 0L), "creates shed: 503 overloaded", "")
                .putJsonOnly("job_errors_by_reason", out.errorsByReason())
                .put("jobs_per_s", out.succeeded() / (double) o.seconds(), "jobs completed per second", "/s")
                .put("p50_ms", ms(h.getValueAtPercentile(50)), "enqueue → result p50", "ms")
                .put("p90_ms", ms(h.getValueAtPercentile(90)), "enqueue → result p90", "ms")
                .put("p99_ms", ms(h.getValueAtPercentile(99)), "enqueue → result p99", "ms")
                .put("max_ms", ms(h.getMaxValue()), "enqueue → result max", "ms")
                .put("hub_cpu_ms_per_job", 1000 * cpu / Math.max(1, out.succeeded()), "hub CPU per job", "ms")
                .put("db_commits_per_job", commits / Math.max(1, out.succeeded()), "database commits per job", "")
                .put("db_units_per_commit", units / Math.max(1, commits), "group-commit units per commit", "")
                .put(
                        "cluster_signals_per_job",
                        signals / Math.max(1, out.succeeded()),
                        "cluster signals sent per job",
                        "")
                .put(
                        "cluster_notifies_per_job",
                        notifies / Math.max(1, out.succeeded()),
                        "NOTIFY statements per job",
                        "")
                .putJsonOnly("load_wall_seconds", elapsed);
    }

    private static final String COMMITS = "enginex_db_writer_commits_total";
    private static final String UNITS = "enginex_db_writer_units_total";
    private static final String SIGNALS = "enginex_cluster_signals_sent_total";
    private static final String NOTIFIES = "enginex_cluster_notify_statements_total";

    /**
     * The group-commit and cluster counters of every node, summed, or none when a node does not
     * answer them.
     */
    private static Map<String, Double> writerCounters(FleetRun run) throws InterruptedException {
        Map<String, Double> sum = new HashMap<>();
        try {
            for (JobClient node : run.jobClients()) {
                node.metrics(COMMITS, UNITS, SIGNALS, NOTIFIES).forEach((k, v) -> sum.merge(k, v, Double::sum));
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The job load at each of {@code --rates} in turn; a table row per rate, and the SVG chart. */
    private static void sweep(FleetRun run, FleetOptions o, Report report) throws InterruptedException {
        JobRunner runner = run.jobRunner(o);
        try {
            sweep(run, o, report, new JobLoad(runner, run.agentIds(), Duration.ofSeconds(60)));
        } finally {
            closeIfChannel(runner);
        }
    }

    private static void sweep(FleetRun run, FleetOptions o, Report report, JobLoad jobs) throws InterruptedException {
        List<LatencyChart.Point> points = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (double rate : o.rates()) {
            if (o.warmup() > 0) {
                System.out.printf("==> sweep: warm-up %d s at %.0f jobs/s%n", o.warmup(), rate);
                jobs.run(Schedule.of(rate, o.warmup()), new Recorder(3));
            }
            System.out.printf("==> sweep: %d s at %.0f jobs/s%n", o.seconds(), rate);
            Recorder recorder = new Recorder(3);
            JobLoad.Outcome out = jobs.run(Schedule.of(rate, o.seconds()), recorder);
            Histogram h = recorder.getIntervalHistogram();
            double p50 = ms(h.getValueAtPercentile(50));
            double p99 = ms(h.getValueAtPercentile(99));
            points.add(new LatencyChart.Point(rate, p50, p99));
            rows.add(Map.of(
                    "rate",
                    rate,
                    "jobs_per_s",
                    out.succeeded() / (double) o.seconds(),
                    "p50_ms",
                    p50,
                    "p99_ms",
                    p99,
                    "errors",
                    out.errors()));
            report.put(
                    "sweep_" + (long) rate,
                    String.format("%d/%d ok, p50 %.1f ms, p99 %.1f ms", out.succeeded(), out.started(), p50, p99),
                    "at " + (long) rate + " jobs/s",
                    "");
        }
        report.putJsonOnly("sweep", rows);
        if (o.chart() != null) {
            String title = "edge-" + o.db() + ": enqueue → result against offered rate (" + o.agents() + " agents, "
                    + o.seconds() + " s each)";
            try {
                Files.writeString(
                        o.chart(), LatencyChart.svg(title, List.of(new LatencyChart.Series("edge-" + o.db(), points))));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + o.chart(), e);
            }
            System.out.println("  chart written to " + o.chart());
        }
    }

    /**
     * Restarts the hub (SIGTERM: every socket closes with 1001 and the restart window) while jobs
     * keep coming at {@code --rate} (5/s if none), and waits until every agent got a new {@code
     * welcome}. Every job must still succeed: the REST client retries with its idempotency key, the
     * hub resends unfinished jobs after each agent's hello.
     */
    private static void storm(FleetRun run, FleetOptions o, Report report) throws Exception {
        double rate = o.rate() > 0 ? o.rate() : 5;
        Fleet fleet = run.fleet();
        JobLoad jobs = new JobLoad(run.jobClient(), run.agentIds(), Duration.ofSeconds(o.stormTimeout()));
        Recorder recorder = new Recorder(3);
        JobLoad.Outcome[] outcome = new JobLoad.Outcome[1];
        Thread generator = Thread.ofVirtual().name("storm-jobs").start(() -> {
            try {
                outcome[0] = jobs.run(Schedule.of(rate, o.seconds()), recorder);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(2_000); // some jobs in flight when the hub goes down
        System.out.printf("==> reconnect storm: stopping the hub with %,d agents connected%n", fleet.connected());
        long stopAt = System.nanoTime();
        Duration stopping = run.hub().stop();
        run.hub().startAgain();
        long upAt = System.nanoTime();
        long pid = run.hub().pid();
        double cpu0 = ProcCpu.seconds(pid);
        System.out.printf("==> hub up again after %.1f s; waiting for the fleet%n", (upAt - stopAt) / 1e9);
        List<double[]> curve = new ArrayList<>();
        long deadline = upAt + TimeUnit.SECONDS.toNanos(o.stormTimeout());
        int back = 0;
        while (System.nanoTime() - deadline < 0) {
            back = fleet.welcomedSince(stopAt);
            curve.add(new double[] {(System.nanoTime() - upAt) / 1e9, back});
            if (back >= fleet.size()) {
                break;
            }
            Thread.sleep(250);
        }
        long backAt = System.nanoTime();
        double cpu = ProcCpu.seconds(pid) - cpu0;
        generator.join();
        JobLoad.Outcome out = outcome[0];
        Histogram h = recorder.getIntervalHistogram();
        report.put("storm_hub_stop_s", seconds(stopping), "hub stop (SIGTERM → exit)", "s")
                .put("storm_hub_down_s", (upAt - stopAt) / 1e9, "hub stop → up again", "s")
                .put("storm_back", back, "agents back after the restart", "")
                .put("storm_all_back", back >= fleet.size(), "all back", "")
                .put("storm_back_after_up_s", (backAt - upAt) / 1e9, "hub up → all back (or gave up)", "s")
                .put("storm_back_after_stop_s", (backAt - stopAt) / 1e9, "hub stop → all back (or gave up)", "s")
                .put("storm_hub_cpu_s", cpu, "hub CPU from up to all back", "s")
                .put("storm_jobs_started", out == null ? 0 : out.started(), "jobs started around the restart", "")
                .put("storm_jobs_succeeded", out == null ? 0 : out.succeeded(), "of them succeeded", "")
                .put("storm_jobs_failed", out == null ? -1 : out.errors(), "of them failed or lost", "")
                .putJsonOnly("storm_job_errors_by_reason", out == null ? Map.of() : out.errorsByReason())
                .put("storm_job_p99_ms", ms(h.getValueAtPercentile(99)), "their enqueue → result p99", "ms")
                .putJsonOnly("storm_curve_seconds_back", curve);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
