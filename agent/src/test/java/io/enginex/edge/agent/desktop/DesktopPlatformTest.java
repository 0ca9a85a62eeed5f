package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void onLinuxLaunchersScriptsAndExecutablesAreRefusedToOpenButDocumentsAndFoldersAreNot(@TempDir Path dir)
            throws Exception {
        LinuxDesktop linux = new LinuxDesktop(Map.of(), dir, List.of());
        Path launcher = Files.writeString(dir.resolve("evil.desktop"), "[Desktop Entry]\nExec=/bin/sh -c id\n");
        Path script = Files.writeString(dir.resolve("setup.sh"), "id\n");
        Path program = Files.writeString(dir.resolve("report"), "\u007fELF");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-x---"));
        Path document = Files.writeString(dir.resolve("q3.csv"), "region,total\n");
        Path folder = Files.createDirectories(dir.resolve("Reports"));

        assertThat(List.of(launcher, script, program)).allMatch(linux::runsWhenOpened);
        assertThat(linux.runsWhenOpened(document)).isFalse();
        assertThat(linux.runsWhenOpened(folder)).isFalse();
    }
}
