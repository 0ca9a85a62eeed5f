package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Windows catalog from Start-menu trees of .lnk files in nested folders. */
class StartMenuShortcutsTest {
    @TempDir
    Path temp;

    @Test
    void idsAreRelativePathsWithSlashesAndTheUsersStartMenuWins() throws Exception {
        Path user = Files.createDirectories(temp.resolve("AppData/Roaming/Microsoft/Windows/Start Menu/Programs"));
        Path all = Files.createDirectories(temp.resolve("ProgramData/Microsoft/Windows/Start Menu/Programs"));
        Files.createDirectories(all.resolve("Accessories/System Tools"));
        Files.write(all.resolve("Accessories/Notepad.lnk"), new byte[] {0x4c, 0, 0, 0});
        Files.write(all.resolve("Accessories/System Tools/Character Map.LNK"), new byte[] {0x4c});
        Files.write(all.resolve("Firefox.lnk"), new byte[] {0x4c});
        Files.write(user.resolve("Firefox.lnk"), new byte[] {0x4c});
        Files.writeString(all.resolve("desktop.ini"), "[.ShellClassInfo]");
        Files.createDirectories(all.resolve("Folder.lnk"));

        List<DesktopPlatform.App> apps = StartMenuShortcuts.scan(List.of(user, all));

        assertThat(apps)
                .extracting(DesktopPlatform.App::id)
                .containsExactly("Accessories/Notepad", "Accessories/System Tools/Character Map", "Firefox");
        assertThat(apps).extracting(DesktopPlatform.App::name).containsExactly("Notepad", "Character Map", "Firefox");
        assertThat(apps.get(2).file()).isEqualTo(user.resolve("Firefox.lnk"));
        assertThat(apps).noneMatch(DesktopPlatform.App::hidden);
    }

    @Test
    void theFoldersComeFromAppDataAndProgramData() {
        Path home = temp.resolve("alice");

        assertThat(StartMenuShortcuts.folders(
                        Map.of(
                                "APPDATA",
                                temp.resolve("roaming").toString(),
                                "ProgramData",
                                temp.resolve("pd").toString()),
                        home))
                .containsExactly(
                        temp.resolve("roaming/Microsoft/Windows/Start Menu/Programs"),
                        temp.resolve("pd/Microsoft/Windows/Start Menu/Programs"));
        assertThat(StartMenuShortcuts.folders(Map.of(), home).getFirst())
                .isEqualTo(home.resolve("AppData/Roaming/Microsoft/Windows/Start Menu/Programs"));
    }
}
