package io.enginex.edge.server.ops;

import java.time.Instant;

/**
 * This hub node's numbers for one interval (one ten-second bucket, or a whole window as a summary).
 *
 * @param at the start of the interval
 * @param connectedAgents agents with an active connection, as last sampled in the interval; null when
 *     no sample fell in it (the hub was not running)
 * @param connects agent connections made ready (hello answered): a spike is a reconnect wave
 * @param disconnects agent connections closed
 * @param dispatched dispatch frames sent, redeliveries included
 * @param completed jobs finished, whatever the outcome
 * @param errors jobs that ended failed or timed out
 * @param p50Millis median dispatch-to-result latency of the jobs finished in the interval, or null
 */
public record OpsPoint(
        Instant at,
        Integer connectedAgents,
        long connects,
        long disconnects,
        long dispatched,
        long completed,
        long errors,
        Double p50Millis,
        Double p95Millis,
        Double p99Millis) {}
