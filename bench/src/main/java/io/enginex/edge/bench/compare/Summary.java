package io.enginex.edge.bench.compare;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The comparison's one JSON summary (issue 13): {@code runs}, each with {@code system}, {@code
 * jobs_per_s}, {@code p50_ms}, {@code p99_ms}, {@code errors}, {@code seconds} (plus {@code variant}
 * and {@code clients}), and {@code ratios} between the hub and its anchors, each present only when
 * both of its runs are. Immutable.
 */
public record Summary(List<RunResult> runs, Map<String, Object> settings) {
    public Summary {
        runs = List.copyOf(runs);
        settings = Map.copyOf(settings);
    }

    /** The JSON object, keys in a fixed order. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("runs", runs.stream().map(Summary::run).toList());
        json.put("ratios", ratios());
        json.put("settings", new java.util.TreeMap<>(settings));
        return json;
    }

    private static Map<String, Object> run(RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system", r.system());
        m.put("variant", r.variant());
        m.put("clients", r.clients());
        m.put("jobs_per_s", round(r.jobsPerS()));
        m.put("p50_ms", round(r.p50Ms()));
        m.put("p99_ms", round(r.p99Ms()));
        m.put("errors", r.errors());
        m.put("seconds", round(r.seconds()));
        return m;
    }

    /**
     * The goals' ratios: hub throughput over the PostgreSQL group-commit anchor's (goal ≥ 0.6 on
     * PostgreSQL), and the hub's one-client round trip p50 over NATS request-reply's (goal ≤ 3).
     */
    public Map<String, Double> ratios() {
        Map<String, Double> ratios = new LinkedHashMap<>();
        Optional<RunResult> group = find("postgres-anchor", "group-commit");
        Optional<RunResult> natsOne = find("nats-request-reply", "1-client");
        for (String edge : List.of("edge-postgres", "edge-h2")) {
            String key = edge.replace('-', '_');
            find(edge, "")
                    .ifPresent(e -> group.filter(g -> g.jobsPerS() > 0)
                            .ifPresent(g -> ratios.put(
                                    key + "_jobs_per_s_over_postgres_group_commit",
                                    round(e.jobsPerS() / g.jobsPerS()))));
            find(edge, "1-client")
                    .ifPresent(e -> natsOne.filter(n -> n.p50Ms() > 0)
                            .ifPresent(n -> ratios.put(
                                    key + "_1_client_p50_over_nats_1_client_p50", round(e.p50Ms() / n.p50Ms()))));
        }
        find("postgres-anchor", "per-job-commit")
                .ifPresent(p -> group.filter(g -> p.jobsPerS() > 0)
                        .ifPresent(g -> ratios.put(
                                "postgres_group_commit_over_per_job_commit", round(g.jobsPerS() / p.jobsPerS()))));
        return ratios;
    }

    private Optional<RunResult> find(String system, String variant) {
        return runs.stream()
                .filter(r -> r.system().equals(system) && r.variant().equals(variant))
                .findFirst();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
