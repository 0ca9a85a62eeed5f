package io.enginex.edge.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
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
}
