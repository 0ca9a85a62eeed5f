package io.enginex.edge.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProcCpuTest {
    @Test
    void cpuSecondsAreUserPlusSystemTicksCountedAfterTheCommandName() {
        // A command name with spaces and a ')' must not shift the fields: utime 1234, stime 566.
        String stat = "4242 (java (hub) x) S 1 4242 4242 0 -1 4194560 51840 0 12 0 1234 566 0 0 20 0 61 0 987 "
                + "5104398336 74431 18446744073709551615 1 1 0 0 0 0 0 4096 16387 0 0 0 17 1 0 0 0 0 0";

        assertThat(ProcCpu.parseSeconds(stat)).isCloseTo(18.0, within(1e-9));
    }

    @Test
    void readsThisProcess() {
        assertThat(ProcCpu.seconds(ProcessHandle.current().pid())).isPositive();
    }
}
