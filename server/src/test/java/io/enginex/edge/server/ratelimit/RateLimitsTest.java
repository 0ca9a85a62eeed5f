package io.enginex.edge.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.testing.FakeClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));

    @Test
    void aNameIsGivenOnceSoNoTwoLimitersShareBuckets() {
        RateLimits limits = RateLimits.shared(new MemoryBuckets(), clock);
        limits.limiter("login-address", 10);

        assertThatThrownBy(() -> limits.limiter("login-address", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("login-address exists already");
        assertThatThrownBy(() -> limits.limiter("Login/Address", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower-case letters, digits and dashes");
    }

    @Test
    void sharedLimitersOfDifferentNamesKeepTheSameAddressApart() {
        RateLimits limits = RateLimits.shared(new MemoryBuckets(), clock);
        RateLimiter logins = limits.limiter("login-address", 1);
        RateLimiter devices = limits.limiter("device-start", 1);

        logins.acquire("10.0.0.1");
        devices.acquire("10.0.0.1");
        assertThatThrownBy(() -> logins.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
        assertThat(limits.global()).isTrue();
    }

    @Test
    void inMemoryLimitersAreThisNodesOwn() {
        assertThat(RateLimits.inMemory(clock).global()).isFalse();
    }

    @Test
    void aPurgeThatFailsIsLoggedNotThrown() {
        RateLimits limits = RateLimits.shared(
                new Buckets() {
                    @Override
                    public Attempt take(String bucket, int capacity, long nowMillis) {
                        return new Attempt(true, new Level(0, capacity));
                    }

                    @Override
                    public Level peek(String bucket, long nowMillis) {
                        return null;
                    }

                    @Override
                    public int purge(long nowMillis) {
                        throw new IllegalStateException("database down");
                    }
                },
                clock);
        limits.limiter("a", 1);

        limits.purge();
    }
}
