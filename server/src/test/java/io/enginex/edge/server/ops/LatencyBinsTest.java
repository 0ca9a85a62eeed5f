package io.enginex.edge.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyBinsTest {
    @Test
    void aHistogramWrittenAsTextReadsBackWithTheSamePercentiles() {
        LatencyBins bins = new LatencyBins();
        for (int ms : new int[] {3, 3, 12, 40, 41, 900}) {
            bins.record(Duration.ofMillis(ms));
        }

        String text = bins.encode();
        LatencyBins back = LatencyBins.decode(text, bins.maxMillis());

        assertThat(text).matches("(\\d+:\\d+)(,\\d+:\\d+)*").contains(LatencyBins.bin(3) + ":2");
        assertThat(back.total()).isEqualTo(6);
        assertThat(back.encode()).isEqualTo(text);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            assertThat(back.quantileMillis(q)).isEqualTo(bins.quantileMillis(q));
        }
        assertThat(back.quantileMillis(1.0)).isEqualTo(900.0);
    }

    @Test
    void anEmptyHistogramIsEmptyText() {
        assertThat(new LatencyBins().encode()).isEmpty();
        assertThat(LatencyBins.decode("", 0).quantileMillis(0.5)).isNull();
    }

    @Test
    void mergedHistogramsGiveThePercentilesOfAllTheirLatenciesTogether() {
        Random random = new Random(14);
        LatencyBins a = new LatencyBins();
        LatencyBins b = new LatencyBins();
        LatencyBins together = new LatencyBins();
        for (int i = 0; i < 1000; i++) {
            Duration d = Duration.ofMillis(1 + random.nextInt(i % 2 == 0 ? 20 : 5000));
            (i % 2 == 0 ? a : b).record(d);
            together.record(d);
        }

        LatencyBins merged = LatencyBins.decode(a.encode(), a.maxMillis());
        merged.addAll(LatencyBins.decode(b.encode(), b.maxMillis()));

        assertThat(merged.encode()).isEqualTo(together.encode());
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            assertThat(merged.quantileMillis(q)).isEqualTo(together.quantileMillis(q));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "12:", ":4", "90:1", "-1:1", "3:0", "3:-2", "a:b", "3:1,", "3:1;4:2"})
    void textOfAnotherFormatIsRefusedNamingThePart(String text) {
        assertThatThrownBy(() -> LatencyBins.decode(text, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not bin:count with a bin of 0-89");
    }
}
