package io.enginex.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdGeneratorTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final IdGenerator ids = new IdGenerator(clock, new SecureRandom());

    @Test
    void idsHaveThePrefixAnd26Base32Characters() {
        assertThat(ids.next("job")).matches("job_[0-9a-hjkmnp-tv-z]{26}");
    }

    @Test
    void idsSortByCreationTimeAndDoNotRepeat() {
        String earlier = ids.next("job");
        clock.advance(Duration.ofMillis(1));
        String later = ids.next("job");
        Set<String> many = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(ids.next("job"));
        }

        assertThat(earlier).isLessThan(later);
        assertThat(many).hasSize(10_000);
    }

    @Test
    void idsMadeInOneMillisecondSortInTheOrderTheyWereMade() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            made.add(ids.next("aud"));
        }

        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(made)
                .allSatisfy(id -> assertThat(id).startsWith(made.getFirst().substring(0, 14)));
    }

    @Test
    void aClockSteppingBackDoesNotReorderIds() {
        String before = ids.next("aud");
        clock.advance(Duration.ofSeconds(-5));
        String after = ids.next("aud");

        assertThat(before).isLessThan(after);
    }

    @Test
    void aRandomPartThatWouldOverflowMovesToTheNextMillisecond() {
        SecureRandom allOnes = new SecureRandom() {
            @Override
            public int nextInt(int bound) {
                return bound - 1;
            }

            @Override
            public long nextLong() {
                return -1L;
            }

            @Override
            public int nextInt() {
                return 0;
            }
        };
        IdGenerator full = new IdGenerator(clock, allOnes);

        String last = full.next("aud");
        String next = full.next("aud");

        assertThat(last).endsWith("zzzzzzzzzzzzzzzz");
        assertThat(next).isGreaterThan(last);
        assertThat(next.substring(4, 14)).isNotEqualTo(last.substring(4, 14));
    }
}
