package io.enginex.edge.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Buckets} does, through {@link RateLimiter}s as the hub uses them: in memory and in
 * PostgreSQL. A "node" is a backend over the same storage as the first one (for PostgreSQL a pool of
 * its own on the same database), so two limiters of one name on two nodes stand for two hub nodes.
 */
abstract class BucketsContract {
    static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    final FakeClock clock = new FakeClock(START);

    /** The backend of hub node {@code n} (0, 1, …); every node's reads the same buckets. */
    abstract Buckets node(int n);

    RateLimiter limiter(int node, String name, int perMinute) {
        return new RateLimiter(name, perMinute, clock, node(node));
    }

    RateLimiter limiter(int node, String name, int perMinute, FakeClock ownClock) {
        return new RateLimiter(name, perMinute, ownClock, node(node));
    }

    private static void spendAll(RateLimiter limiter, String key, int n) {
        for (int i = 0; i < n; i++) {
            limiter.acquire(key);
        }
    }

    @Test
    void allowsTheBudgetThenRefusesWithTheSecondsUntilTheNextAttempt() {
        RateLimiter limiter = limiter(0, "register", 10);
        spendAll(limiter, "10.0.0.1", 10);

        assertThatThrownBy(() -> limiter.acquire("10.0.0.1", "too many from here"))
                .isInstanceOfSatisfying(HubException.RateLimited.class, e -> {
                    assertThat(e.code()).isEqualTo("rate_limited");
                    assertThat(e.getMessage()).startsWith("too many from here");
                    assertThat(e.retryAfterSeconds()).isEqualTo(6);
                });
        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void theBudgetRefillsEvenlyOverAMinute() {
        RateLimiter limiter = limiter(0, "register", 10);
        spendAll(limiter, "10.0.0.1", 10);
        clock.advance(Duration.ofSeconds(6));

        limiter.acquire("10.0.0.1");
        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(6));
        clock.advance(Duration.ofSeconds(3));
        assertThat(limiter.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.retryAfter("10.0.0.1")).isZero();
        spendAll(limiter, "10.0.0.1", 10); // full again, never more than full
        assertThatThrownBy(() -> limiter.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void twoNodesShareOneBudget() {
        RateLimiter nodeA = limiter(0, "register", 10);
        RateLimiter nodeB = limiter(1, "register", 10);

        spendAll(nodeA, "10.0.0.1", 6);
        spendAll(nodeB, "10.0.0.1", 4);

        assertThatThrownBy(() -> nodeA.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
        assertThatThrownBy(() -> nodeB.acquire("10.0.0.1"))
                .isInstanceOfSatisfying(
                        HubException.RateLimited.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(6));
        clock.advance(Duration.ofSeconds(6));
        nodeB.acquire("10.0.0.1"); // the refill, too, is one
        assertThatThrownBy(() -> nodeA.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void keysAndLimitersHaveBudgetsOfTheirOwn() {
        RateLimiter logins = limiter(0, "login-address", 10);
        RateLimiter devices = limiter(1, "device-start", 10);
        spendAll(logins, "10.0.0.1", 10);

        logins.acquire("10.0.0.2");
        devices.acquire("10.0.0.1"); // the same address in another limiter: another bucket
        assertThat(devices.retryAfter("10.0.0.1")).isZero();
        assertThatThrownBy(() -> logins.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void aKeyGivenItsOwnBudgetSpendsThatBudgetNotTheDefault() {
        RateLimiter limiter = limiter(0, "enrolment", 10);
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
        RateLimiter nodeA = limiter(0, "enrolment", 10);
        RateLimiter nodeB = limiter(1, "enrolment", 10);
        for (int i = 0; i < 10; i++) {
            nodeA.acquire("k", 10, "x");
        }
        for (int i = 0; i < 90; i++) {
            nodeB.acquire("k", 100, "x");
        }

        assertThatThrownBy(() -> nodeA.acquire("k", 100, "x")).isInstanceOf(HubException.RateLimited.class);
        assertThatThrownBy(() -> nodeA.acquire("k", 5, "x")).isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void failuresSpendABudgetThatIsCheckedOnEveryNodeWithoutSpending() {
        RateLimiter nodeA = limiter(0, "agent-token", 10);
        RateLimiter nodeB = limiter(1, "agent-token", 10);
        nodeB.requireLeft("failed:10.0.0.1", "x"); // a key never seen has its budget

        for (int i = 0; i < 12; i++) {
            nodeA.spend("failed:10.0.0.1"); // past zero: never throws
        }

        assertThatThrownBy(() -> nodeB.requireLeft("failed:10.0.0.1", "too many refused"))
                .isInstanceOfSatisfying(HubException.RateLimited.class, e -> {
                    assertThat(e.getMessage()).startsWith("too many refused");
                    assertThat(e.retryAfterSeconds()).isEqualTo(6);
                });
        clock.advance(Duration.ofSeconds(6));
        for (int i = 0; i < 5; i++) {
            nodeB.requireLeft("failed:10.0.0.1", "x"); // checking spends nothing
        }
        nodeA.spend("failed:10.0.0.1");
        assertThatThrownBy(() -> nodeB.requireLeft("failed:10.0.0.1", "x"))
                .isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void concurrentAttemptsOnTwoNodesSpendExactlyTheBudget() throws Exception {
        int budget = 50;
        List<RateLimiter> nodes = List.of(limiter(0, "register", budget), limiter(1, "register", budget));
        int threads = 16;
        int attemptsEach = 10;
        var granted = new AtomicInteger();
        var refused = new AtomicInteger();
        var go = new CountDownLatch(1);
        List<Callable<Void>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            RateLimiter node = nodes.get(t % 2);
            work.add(() -> {
                go.await();
                for (int i = 0; i < attemptsEach; i++) {
                    try {
                        node.acquire("10.0.0.1");
                        granted.incrementAndGet();
                    } catch (HubException.RateLimited e) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Void>> done = new ArrayList<>();
            for (Callable<Void> w : work) {
                done.add(pool.submit(w));
            }
            go.countDown();
            for (Future<Void> f : done) {
                f.get();
            }
        }

        assertThat(granted).hasValue(budget);
        assertThat(refused).hasValue(threads * attemptsEach - budget);
    }

    @Test
    void aNodeWhoseClockIsBehindRefillsNothingAndGivesNothingBack() {
        FakeClock behind = new FakeClock(START.minusSeconds(30));
        RateLimiter nodeA = limiter(0, "register", 10);
        RateLimiter nodeB = limiter(1, "register", 10, behind);
        spendAll(nodeA, "10.0.0.1", 10);

        // B's clock is 30 s behind A's stamp: it counts no refill, and does not move the stamp back,
        // so A finds no 30 s of refill afterwards.
        assertThatThrownBy(() -> nodeB.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
        behind.advance(Duration.ofSeconds(20));
        assertThatThrownBy(() -> nodeB.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
        assertThatThrownBy(() -> nodeA.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
        clock.advance(Duration.ofSeconds(6));
        nodeA.acquire("10.0.0.1");
        assertThatThrownBy(() -> nodeA.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void purgeForgetsOnlyBucketsThatAreFullAgainAndChangesNoOutcome() {
        Buckets buckets = node(0);
        RateLimiter limiter = limiter(0, "register", 10);
        spendAll(limiter, "10.0.0.1", 10);
        clock.advance(Duration.ofSeconds(30));
        limiter.acquire("10.0.0.2");

        buckets.purge(clock.millis()); // neither is full: both stay
        assertThat(buckets.peek("register/10.0.0.1", clock.millis())).isEqualTo(new Buckets.Level(5, 10));
        assertThat(buckets.peek("register/10.0.0.2", clock.millis())).isEqualTo(new Buckets.Level(9, 10));

        clock.advance(Duration.ofMinutes(3)); // both full for over a minute
        buckets.purge(clock.millis());

        assertThat(buckets.peek("register/10.0.0.1", clock.millis())).isNull();
        assertThat(buckets.peek("register/10.0.0.2", clock.millis())).isNull();
        spendAll(limiter, "10.0.0.1", 10);
        assertThatThrownBy(() -> limiter.acquire("10.0.0.1")).isInstanceOf(HubException.RateLimited.class);
    }

    @Test
    void computesTheSameNumbersAsMemory() {
        var memory = new MemoryBuckets();
        Buckets tested = node(0);
        long now = clock.millis();
        int[] budgets = {10, 10, 3, 7, 7, 100, 1, 10, 60, 60, 2};
        long[] steps = {0, 1, 7, 333, 1_234, 0, 59_999, 5, 17, 40_001, 1};
        for (int round = 0; round < 40; round++) {
            int budget = budgets[round % budgets.length];
            now += steps[round % steps.length];
            Buckets.Attempt expected = memory.take("same/k", budget, now);
            Buckets.Attempt got = tested.take("same/k", budget, now);
            assertThat(got).as("attempt %d", round).isEqualTo(expected);
            assertThat(tested.peek("same/k", now + 77)).isEqualTo(memory.peek("same/k", now + 77));
        }
    }
}
