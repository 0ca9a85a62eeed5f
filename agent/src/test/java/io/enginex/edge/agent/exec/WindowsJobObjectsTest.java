package io.enginex.edge.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Job Object code off Windows: the native structure has the layout of
 * 64-bit Windows' {@code JOBOBJECT_EXTENDED_LIMIT_INFORMATION}, and the limit is kill-on-close.
 */
class WindowsJobObjectsTest {
    @Test
    void theLimitStructureHasTheLayoutWindowsExpects() {
        WindowsJobObjects.ExtendedLimits limits = WindowsJobObjects.ExtendedLimits.killOnClose();

        assertThat(limits.size()).isEqualTo(144); // sizeof on x64
        assertThat(limits.offsetOf("limitFlags")).isEqualTo(16);
        assertThat(limits.offsetOf("readOperationCount")).isEqualTo(64); // IO_COUNTERS
        assertThat(limits.offsetOf("processMemoryLimit")).isEqualTo(112);
        assertThat(limits.limitFlags).isEqualTo(0x2000); // JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    }

    @Test
    void theCommandLineIsNotWrapped() {
        assertThat(ProcessGroups.forThisMachine().argv(java.util.List.of("/bin/true")))
                .as("on Linux setsid is in front; the Windows and fallback ways keep the argv")
                .endsWith("/bin/true");
    }
}
