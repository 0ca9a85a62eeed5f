package io.enginex.edge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {
    @Test
    void unitsAreRead() {
        assertThat(HumanDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(HumanDuration.parse("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(HumanDuration.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(HumanDuration.parse(" 1H ")).isEqualTo(Duration.ofHours(1));
        assertThat(HumanDuration.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(HumanDuration.parse("90")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void nonsenseNamesTheAcceptedForms() {
        for (String bad : new String[] {"", "soon", "-5s", "1.5h", "10 minutes", "1w"}) {
            assertThatThrownBy(() -> HumanDuration.parse(bad)).hasMessageContaining("500ms, 15s, 2m");
        }
        assertThatThrownBy(() -> HumanDuration.parse(null)).hasMessageContaining("nothing");
    }

    @Test
    void formatIsShort() {
        assertThat(HumanDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(HumanDuration.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(HumanDuration.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(HumanDuration.format(Duration.ofDays(30))).isEqualTo("30d");
    }
}
