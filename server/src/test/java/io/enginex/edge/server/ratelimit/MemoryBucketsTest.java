package io.enginex.edge.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The buckets contract in memory, where every "node" is the one map (the hub is one node there). */
class MemoryBucketsTest extends BucketsContract {
    private final MemoryBuckets buckets = new MemoryBuckets();

    @Override
    Buckets node(int n) {
        return buckets;
    }

    @Test
    void scanningAddressesCannotGrowTheMapPastThePruneMark() {
        for (int i = 0; i < 3 * MemoryBuckets.PRUNE_AT; i++) {
            buckets.take("register/10.0." + i, 10, clock.millis() + i * 60_000L);
        }

        assertThat(buckets.purge(Long.MAX_VALUE / 2)).isLessThanOrEqualTo(MemoryBuckets.PRUNE_AT + 1);
    }
}
