package io.enginex.edge.common.update;

import io.enginex.edge.common.tuf.TufJson;
import java.nio.charset.StandardCharsets;

/**
 * Rollout rings: every agent has a fixed bucket 0–99 from its id, the same on the agent (which decides)
 * and on the hub (which shows it). A channel at {@code percent} reaches the buckets below it.
 */
public final class Rollout {
    private Rollout() {}

    /** The agent's bucket: the first 32 bits of the SHA-256 of its id, modulo 100. */
    public static int bucket(String agentId) {
        String sha = TufJson.sha256(agentId.getBytes(StandardCharsets.UTF_8));
        return (int) (Long.parseLong(sha.substring(0, 8), 16) % 100);
    }

    /** Whether {@code channel}'s rollout has reached an agent in {@code bucket}. */
    public static boolean reaches(ChannelState channel, int bucket) {
        return bucket < channel.percent();
    }
}
