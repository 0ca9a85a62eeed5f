package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesktopEntriesTest {
    @TempDir
    Path temp;

    @Test
    void idsComeFromPathsAndTheUsersFolderWins() throws Exception {
        Path user = Files.createDirectories(temp.resolve("home/.local/share/applications"));
        Path system = Files.createDirectories(temp.resolve("usr/share/applications/kde"));
        Files.writeString(user.resolve("org.example.Viewer.desktop"), entry("My Viewer", ""));
        Files.writeString(temp.resolve("usr/share/applications/org.example.Viewer.desktop"), entry("Viewer", ""));
        Files.writeString(system.resolve("konsole.desktop"), entry("Konsole", "NoDisplay=true\n"));
        Files.writeString(temp.resolve("usr/share/applications/gone.desktop"), entry("Gone", "Hidden=true\n"));
        Files.writeString(
                temp.resolve("usr/share/applications/link.desktop"), "[Desktop Entry]\nType=Link\nName=L\nURL=x\n");

        List<DesktopEntries.Entry> apps = DesktopEntries.scan(DesktopEntries.dataDirs(
                Map.of("XDG_DATA_DIRS", temp.resolve("usr/share").toString()), temp.resolve("home")));

        assertThat(apps).extracting(DesktopEntries.Entry::id).containsExactly("kde-konsole", "org.example.Viewer");
        assertThat(apps.get(1).name()).isEqualTo("My Viewer");
        assertThat(apps.get(0).noDisplay()).isTrue();
    }

    @Test
    void defaultDataDirsFollowTheXdgSpecification() {
        assertThat(DesktopEntries.dataDirs(Map.of(), Path.of("/home/alice")))
                .containsExactly(
                        Path.of("/home/alice/.local/share"), Path.of("/usr/local/share"), Path.of("/usr/share"));
    }

    private static String entry(String name, String extra) {
        return "[Desktop Entry]\nType=Application\nName=" + name + "\nExec=/usr/bin/true %U\n" + extra
                + "[Desktop Action new]\nName=Other\n";
    }
}
