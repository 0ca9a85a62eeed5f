package io.enginex.edge.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void requestsAreEvenlySpacedFromTheStartWhateverHappenedBefore() {
        Schedule s = Schedule.of(200, 3);

        assertThat(s.count()).isEqualTo(600);
        assertThat(s.offsetNanos(0)).isZero();
        assertThat(s.offsetNanos(1)).isEqualTo(5_000_000);
        assertThat(s.offsetNanos(599)).isEqualTo(2_995_000_000L);
        assertThat(s.durationNanos()).isEqualTo(3_000_000_000L);
    }

    @Test
    void fractionalRatesDoNotDriftOverALongSchedule() {
        Schedule s = Schedule.of(3, 3600); // one every 333.33… ms

        assertThat(s.count()).isEqualTo(10_800);
        assertThat(s.offsetNanos(10_799)).isEqualTo(3_599_666_666_667L);
    }

    @Test
    void offsetsOutsideTheScheduleAndNonPositiveRatesAreRefused() {
        assertThatThrownBy(() -> Schedule.of(10, 1).offsetNanos(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Schedule.of(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
