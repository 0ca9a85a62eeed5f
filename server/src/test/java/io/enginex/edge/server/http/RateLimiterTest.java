package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final RateLimiter limiter = new RateLimiter(10, clock);

    @Test
    void allowsTheBudgetThenRefusesWithRetryAfter() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("10.0.0.1");
        }

        assertThatThrownBy(() -> limiter.acquire("10.0.0.1"))
                .isInstanceOfSatisfying(HubException.RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.retryAfterSeconds()).isEqualTo(6);
                });
    }

    @Test
    void budgetRefillsOverTime() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("10.0.0.1");
        }
        clock.advance(Duration.ofSeconds(6));

        limiter.acquire("10.0.0.1");
        assertThat(limiter.retryAfter("10.0.0.1")).isPositive();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.retryAfter("10.0.0.1")).isZero();
    }

    @Test
    void addressesHaveSeparateBudgets() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("10.0.0.1");
        }

        limiter.acquire("10.0.0.2");
        assertThatThrownBy(() -> limiter.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
    }
}
