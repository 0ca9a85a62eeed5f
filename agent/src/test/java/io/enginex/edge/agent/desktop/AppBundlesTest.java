package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The macOS catalog from bundle trees with real Info.plist files, XML and binary. */
class AppBundlesTest {
    @TempDir
    Path temp;

    @Test
    void idsAndNamesComeFromXmlAndBinaryInfoPlistsAndTheUsersFolderWins() throws Exception {
        Path user = Files.createDirectories(temp.resolve("home/Applications"));
        Path system = Files.createDirectories(temp.resolve("Applications"));
        Path utilities = Files.createDirectories(system.resolve("Utilities"));
        xml(user.resolve("Mine.app"), "com.example.Viewer", "<key>CFBundleName</key><string>My Viewer</string>");
        xml(system.resolve("Viewer.app"), "com.example.Viewer", "<key>CFBundleName</key><string>Viewer</string>");
        NSDictionary terminal = new NSDictionary();
        terminal.put("CFBundleIdentifier", "com.apple.Terminal");
        terminal.put("CFBundleName", "Terminal");
        terminal.put("CFBundleDisplayName", "Terminal (shown)");
        Path binary = Files.createDirectories(utilities.resolve("Terminal.app/Contents"))
                .resolve("Info.plist");
        Files.write(binary, BinaryPropertyListWriter.writeToArray(terminal));
        xml(system.resolve("Bare Name.app"), "org.example.bare", "");
        xml(system.resolve("Helper.app"), "org.example.helper", "<key>LSBackgroundOnly</key><true/>");
        xml(system.resolve("NoId.app"), null, "<key>CFBundleName</key><string>No id</string>");
        Files.createDirectories(system.resolve("Broken.app/Contents"));
        Files.writeString(system.resolve("Broken.app/Contents/Info.plist"), "<plist><dict><key>x");
        Files.createDirectories(system.resolve("Empty.app"));
        Files.writeString(system.resolve("notes.txt"), "not a bundle");

        List<DesktopPlatform.App> apps = AppBundles.scan(List.of(user, system, utilities));

        assertThat(Files.readAllBytes(binary))
                .startsWith("bplist00".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(apps)
                .extracting(DesktopPlatform.App::id)
                .containsExactly("com.apple.Terminal", "com.example.Viewer", "org.example.bare", "org.example.helper");
        assertThat(apps)
                .extracting(DesktopPlatform.App::name)
                .containsExactly("Terminal (shown)", "My Viewer", "Bare Name", "Helper");
        assertThat(apps).extracting(DesktopPlatform.App::hidden).containsExactly(false, false, false, true);
        assertThat(apps.get(1).file()).isEqualTo(user.resolve("Mine.app"));
    }

    @Test
    void anInfoPlistWithAnExternalEntityIsNotResolved() throws Exception {
        Path secret = Files.writeString(temp.resolve("secret.txt"), "TOP-SECRET");
        Path bundle = Files.createDirectories(temp.resolve("Applications/Evil.app/Contents"));
        Files.writeString(bundle.resolve("Info.plist"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist [<!ENTITY leak SYSTEM "%s">]>
                <plist version="1.0"><dict>
                <key>CFBundleIdentifier</key><string>org.example.evil</string>
                <key>CFBundleName</key><string>&leak;</string>
                </dict></plist>
                """.formatted(secret.toUri()));

        List<DesktopPlatform.App> apps = AppBundles.scan(List.of(temp.resolve("Applications")));

        assertThat(apps).allSatisfy(app -> assertThat(app.name()).doesNotContain("TOP-SECRET"));
    }

    @Test
    void theFoldersAreTheUsersThenTheSystemsEachWithUtilities() {
        assertThat(AppBundles.folders(Path.of("/Users/alice")))
                .containsExactly(
                        Path.of("/Users/alice/Applications"),
                        Path.of("/Users/alice/Applications/Utilities"),
                        Path.of("/Applications"),
                        Path.of("/Applications/Utilities"),
                        Path.of("/System/Applications"),
                        Path.of("/System/Applications/Utilities"));
    }

    private static void xml(Path bundle, String id, String more) throws Exception {
        Path contents = Files.createDirectories(bundle.resolve("Contents"));
        Files.writeString(contents.resolve("Info.plist"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                %s%s
                </dict>
                </plist>
                """.formatted(
                        id == null ? "" : "<key>CFBundleIdentifier</key><string>" + id + "</string>", more));
    }
}
