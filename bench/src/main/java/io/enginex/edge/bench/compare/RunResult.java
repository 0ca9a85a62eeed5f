package io.enginex.edge.bench.compare;

/**
 * One system's run in the comparison, as the summary's {@code runs} list holds it.
 *
 * @param system {@code edge-postgres}, {@code edge-h2}, {@code postgres-anchor}, {@code
 *     nats-request-reply} or {@code websocket-echo}
 * @param variant what distinguishes runs of one system ({@code group-commit}, {@code per-job-commit}),
 *     or empty
 * @param clients concurrent closed-loop clients
 * @param jobsPerS operations completed per second over the measured window
 * @param errors operations that failed or timed out in the measured window
 * @param seconds length of the measured window
 */
public record RunResult(
        String system,
        String variant,
        int clients,
        double jobsPerS,
        double p50Ms,
        double p99Ms,
        long errors,
        double seconds) {}
