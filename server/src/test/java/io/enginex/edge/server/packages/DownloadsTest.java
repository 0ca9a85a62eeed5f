package io.enginex.edge.server.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadsTest {
    @TempDir
    Path dataDir;

    @Test
    void installerNamesAreParsedAsTheBuildsMakeThem() {
        assertThat(Downloads.describe("enginex-agent_0.1.0_amd64.deb", 1, "x"))
                .isEqualTo(new Downloads.Download("enginex-agent_0.1.0_amd64.deb", "deb", "amd64", "0.1.0", 1, "x"));
        assertThat(Downloads.describe("enginex-agent-0.1.0-1.x86_64.rpm", 1, "x")
                        .arch())
                .isEqualTo("x86_64");
        assertThat(Downloads.describe("enginex-agent-0.1.0-1.x86_64.rpm", 1, "x")
                        .version())
                .isEqualTo("0.1.0");
        assertThat(Downloads.describe("enginex-agent-0.1.0.msi", 1, "x").kind()).isEqualTo("msi");
        assertThat(Downloads.describe("enginex-agent-0.1.0.pkg", 1, "x").kind()).isEqualTo("pkg");
        for (String bad : new String[] {
            "setup.exe",
            "enginex-agent.deb",
            "../enginex-agent_0.1.0_amd64.deb",
            "enginex-agent_0.1.0_amd64.deb.sh",
            "other_0.1.0_amd64.deb"
        }) {
            assertThatThrownBy(() -> Downloads.describe(bad, 1, "x"))
                    .as(bad)
                    .hasMessageContaining("is not an agent installer");
        }
    }

    @Test
    void onlyRegularFilesInsideThePublishedTreeAreServed() throws Exception {
        Path tree = dataDir.resolve("packages/releases/1");
        Files.createDirectories(tree.resolve("apt"));
        Files.writeString(tree.resolve("apt/Release"), "r");
        Files.writeString(tree.resolve(".hidden"), "h");
        Files.writeString(dataDir.resolve("hub.secret"), "secret");
        Files.createSymbolicLink(tree.resolve("escape"), dataDir.resolve("hub.secret"));
        Files.createSymbolicLink(dataDir.resolve("downloads"), dataDir.relativize(tree));
        var downloads = new Downloads(dataDir, new ObjectMapper());

        assertThat(downloads.file("apt/Release")).isPresent();
        for (String path : new String[] {
            "../hub.secret",
            "apt/../../hub.secret",
            "apt",
            ".hidden",
            "apt/.",
            "",
            "/etc/passwd",
            "escape",
            "apt//Release",
            "apt\\Release",
            "nope"
        }) {
            assertThat(downloads.file(path)).as(path).isEmpty();
        }
        assertThat(downloads.index()).isEmpty();
    }
}
