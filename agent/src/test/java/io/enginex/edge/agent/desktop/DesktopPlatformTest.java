package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesktopPlatformTest {
    @Test
    void theSystemIsChosenFromOsName() {
        Path home = Path.of("/home/alice");

        assertThat(DesktopPlatform.forOs("Linux", Map.of(), home)).isInstanceOf(LinuxDesktop.class);
        assertThat(DesktopPlatform.forOs("Mac OS X", Map.of(), home)).isInstanceOf(MacDesktop.class);
        assertThat(DesktopPlatform.forOs("Windows 11", Map.of(), home)).isInstanceOf(WindowsDesktop.class);
        assertThat(DesktopPlatform.forOs("FreeBSD", Map.of(), home).binDirs()).isEqualTo(LinuxDesktop.SYSTEM_BIN_DIRS);
        assertThat(DesktopPlatform.forOs("Mac OS X", Map.of(), home).binDirs()).containsExactly(Path.of("/usr/bin"));
    }
}
