package io.enginex.edge.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RepeatedLogTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final RepeatedLog repeats = new RepeatedLog(clock, Duration.ofSeconds(60));

    @Test
    void aRepeatedFailureIsLoggedOnceAMinuteWithItsCount() {
        assertThat(repeats.admit("db down")).isEqualTo(OptionalLong.of(0));
        for (int i = 0; i < 512; i++) {
            clock.advance(Duration.ofMillis(100));
            assertThat(repeats.admit("db down")).isEmpty();
        }
        clock.advance(Duration.ofSeconds(10));

        OptionalLong next = repeats.admit("db down");

        assertThat(next).isEqualTo(OptionalLong.of(512));
        assertThat(repeats.describe("database unavailable", next.getAsLong()))
                .isEqualTo("database unavailable (repeated 512 times in the last 60 s)");
        assertThat(repeats.describe("database unavailable", 0)).isEqualTo("database unavailable");
    }

    @Test
    void differentFailuresAreCountedApart() {
        assertThat(repeats.admit("a")).isPresent();
        assertThat(repeats.admit("b")).isPresent();
        assertThat(repeats.admit("a")).isEmpty();
    }

    @Test
    void signaturesAreBounded() {
        for (int i = 0; i < RepeatedLog.MAX_SIGNATURES * 3; i++) {
            assertThat(repeats.admit("failure " + i)).isPresent();
        }
    }
}
