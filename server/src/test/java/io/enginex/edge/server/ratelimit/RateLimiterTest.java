package io.enginex.edge.server.ratelimit;

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

    @Test
    void aKeyGivenItsOwnBudgetSpendsThatBudgetNotTheDefault() {
        for (int i = 0; i < 200; i++) {
            limiter.acquire("token:rt_1|10.0.0.1", 200, "too many");
        }

        assertThatThrownBy(() -> limiter.acquire("token:rt_1|10.0.0.1", 200, "too many with rt_1"))
                .isInstanceOfSatisfying(
                        HubException.RateLimited.class,
                        e -> assertThat(e.getMessage()).startsWith("too many with rt_1"));
        limiter.acquire("10.0.0.1"); // the default budget of another key is untouched
    }

    @Test
    void aBudgetThatChangesKeepsWhatWasSpent() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("k", 10, "x");
        }
        for (int i = 0; i < 90; i++) {
            limiter.acquire("k", 100, "x");
        }

        assertThatThrownBy(() -> limiter.acquire("k", 100, "x")).isInstanceOf(HubException.RateLimited.class);
    }
}
