package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofMinutes(5);

    @Test
    void windowDoublesFromBaseUpToCap() {
        Backoff backoff = new Backoff(BASE, CAP, new SplittableRandom(1));
        assertThat(backoff.window(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.window(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.window(8)).isEqualTo(Duration.ofSeconds(256));
        assertThat(backoff.window(9)).isEqualTo(CAP);
        assertThat(backoff.window(61)).isEqualTo(CAP);
        assertThat(backoff.window(10_000)).isEqualTo(CAP);
    }

    @Test
    void everyDelayLiesWithinZeroAndItsWindow() {
        Backoff backoff = new Backoff(BASE, CAP, new SplittableRandom(42));
        for (int n = 0; n < 200; n++) {
            Duration window = backoff.window(backoff.failures());
            Duration delay = backoff.next();
            assertThat(delay).isBetween(Duration.ZERO, window);
        }
        assertThat(backoff.failures()).isEqualTo(62); // counting stops where the window cannot grow
    }

    @Test
    void jitterIsFullNotEqual_delaysSpreadOverTheWholeWindow() {
        // After many failures the window is the cap: full jitter uses all of [0, cap], equal jitter only the top half.
        List<Duration> delays = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 500; i++) {
            Backoff backoff = new Backoff(BASE, CAP, random);
            for (int n = 0; n < 20; n++) {
                backoff.next();
            }
            delays.add(backoff.next());
        }
        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, CAP));
        assertThat(delays).anySatisfy(d -> assertThat(d).isLessThan(CAP.dividedBy(10)));
        assertThat(delays)
                .anySatisfy(d -> assertThat(d).isGreaterThan(CAP.multipliedBy(9).dividedBy(10)));
    }

    @Test
    void sameSeedGivesSameDelays() {
        Backoff a = new Backoff(BASE, CAP, new SplittableRandom(99));
        Backoff b = new Backoff(BASE, CAP, new SplittableRandom(99));
        for (int i = 0; i < 20; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void resetStartsOverAtTheBaseWindow() {
        Backoff backoff = new Backoff(BASE, CAP, maxRandom());
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        assertThat(backoff.next()).isEqualTo(CAP);
        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next()).isEqualTo(BASE); // the largest value the first window allows
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aSessionThatStayedUpStartsTheCountOverAndAShortOneDoesNot() {
        FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
        Backoff backoff = new Backoff(BASE, CAP, Duration.ofSeconds(30), maxRandom(), clock);
        for (int i = 0; i < 8; i++) {
            backoff.next();
        }

        backoff.connected();
        clock.advance(Duration.ofSeconds(29));
        backoff.disconnected(null);
        assertThat(backoff.failures()).as("a session of 29 s is not stable").isEqualTo(8);
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(256));

        backoff.connected();
        clock.advance(Duration.ofSeconds(30));
        backoff.disconnected(null);
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next()).isEqualTo(BASE);
    }

    @Test
    void afterARestartNoticeEveryDelayLiesWithinTheWindowUntilWelcome() {
        FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
        Duration window = Duration.ofSeconds(20);
        Backoff backoff = new Backoff(BASE, CAP, Duration.ofSeconds(30), maxRandom(), clock);
        for (int i = 0; i < 12; i++) {
            backoff.next(); // grown to the 5 min cap, as in the field report (back after 221 s)
        }
        backoff.connected();
        backoff.disconnected(window); // close 1001 with reconnect-window-ms=20000, right after welcome

        // However long the hub takes to come back, no attempt is further apart than the window.
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.next()).isEqualTo(window); // maxRandom: the top of the range
        }
        backoff.connected();
        backoff.disconnected(null);
        assertThat(backoff.restartWindow())
                .as("a welcome ends the restart window")
                .isNull();
        assertThat(backoff.next()).isGreaterThan(window);
    }

    @Test
    void aRestartWindowIsNeverWiderThanTheCap() {
        Backoff backoff = new Backoff(BASE, Duration.ofSeconds(2), maxRandom());
        backoff.disconnected(Duration.ofSeconds(20));
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aFleetSpreadsEvenlyOverTheRestartWindow() {
        // 10,000 agents told the same 20 s window: full jitter spreads them, no second gets a crowd.
        Duration window = Duration.ofSeconds(20);
        SplittableRandom random = new SplittableRandom(2026);
        int[] perSecond = new int[21];
        for (int agent = 0; agent < 10_000; agent++) {
            Backoff backoff = new Backoff(BASE, CAP, random);
            for (int i = 0; i < 9; i++) {
                backoff.next();
            }
            backoff.disconnected(window);
            Duration delay = backoff.next();
            assertThat(delay).isBetween(Duration.ZERO, window);
            perSecond[(int) delay.toSeconds()]++;
        }
        for (int second = 0; second < 20; second++) {
            // 500 expected per second; a binomial(10000, 1/20) stays within ±25 % with overwhelming odds.
            assertThat(perSecond[second])
                    .as("agents arriving in second %d", second)
                    .isBetween(375, 625);
        }
    }

    @Test
    void refusesNonsenseSettings() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, CAP, new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base");
        assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(10), CAP, new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cap");
    }

    /** Always draws the top of the range, so delays equal their windows. */
    private static RandomGenerator maxRandom() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
    }
}
