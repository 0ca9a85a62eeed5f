package io.enginex.edge.server.update;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.store.AgentUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a channel's release has gone, ring by ring, over the agents' update reports given (one
 * tenant's for its fleet page and API, every tenant's for the rollout guard).
 *
 * @param channel the channel, as the repository signs it
 * @param rings one entry per ring of {@code channel.version()}'s rollout, in order
 */
public record RolloutProgress(ChannelState channel, List<RingProgress> rings) {
    public RolloutProgress {
        rings = List.copyOf(rings);
    }

    /**
     * One ring's agents that follow the channel and reported their update state.
     *
     * @param agents how many are in the ring
     * @param attempted how many tried the release (run it, are installing it, refused or failed it)
     * @param updated how many run it
     * @param failed how many failed it and do not run it (rolled back, refused, a download that failed
     *     its verification)
     */
    public record RingProgress(ChannelState.Ring ring, int agents, int attempted, int updated, int failed) {
        /** Failed over attempted, in whole percent (rounded down); 0 when none attempted. */
        public int failurePercent() {
            return attempted == 0 ? 0 : failed * 100 / attempted;
        }

        /** Whether the failure rate is above {@code thresholdPercent} (exactly at it is not). */
        public boolean passes(int thresholdPercent) {
            return failed > 0 && (long) failed * 100 > (long) thresholdPercent * attempted;
        }

        /** E.g. {@code ring 1 (buckets 0-4): 2 of 3 agents that tried 1.5.0 failed (66 %)}. */
        public String describe(String version) {
            return ring.describe() + ": " + failed + " of " + attempted + " agents that tried " + version + " failed ("
                    + failurePercent() + " %)";
        }
    }

    /** The progress of {@code channel}'s version over {@code reports} (reports of other channels are left out). */
    public static RolloutProgress of(ChannelState channel, List<AgentUpdate> reports) {
        List<RingProgress> rings = new ArrayList<>();
        String version = channel.version();
        if (version == null) {
            return new RolloutProgress(channel, List.of());
        }
        for (ChannelState.Ring ring : channel.ringList()) {
            int agents = 0;
            int attempted = 0;
            int updated = 0;
            int failed = 0;
            for (AgentUpdate r : reports) {
                if (!r.channel().equals(channel.channel())
                        || r.ring() < ring.fromBucket()
                        || r.ring() >= ring.toBucket()) {
                    continue;
                }
                agents++;
                if (r.attempted(version)) {
                    attempted++;
                }
                if (version.equals(r.version())) {
                    updated++;
                }
                if (r.failed(version)) {
                    failed++;
                }
            }
            rings.add(new RingProgress(ring, agents, attempted, updated, failed));
        }
        return new RolloutProgress(channel, rings);
    }
}
