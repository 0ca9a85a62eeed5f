package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
