package io.enginex.edge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("state").resolve("pause.json");

        StateFiles.replaceOwnerOnly(file, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        StateFiles.replaceOwnerOnly(file, "{\"a\":2}".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("{\"a\":2}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }
}
