package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineIdTest {
    @TempDir
    Path dir;

    @Test
    void theSameMachineIdHashesTheSameAndNeverShowsTheRawId() throws Exception {
        Path file = Files.writeString(dir.resolve("machine-id"), "4c4c4544004e3510804cb4c04f4b3332\n");

        String first = MachineId.fromFile(file).orElseThrow();
        String again = MachineId.fromFile(file).orElseThrow();

        assertThat(first).matches("[0-9a-f]{64}").isEqualTo(again).doesNotContain("4c4c4544");
        assertThat(first).isNotEqualTo(MachineId.hash("another machine"));
    }

    @Test
    void aMissingOrEmptyFileGivesNoId() throws Exception {
        assertThat(MachineId.fromFile(dir.resolve("none"))).isEmpty();
        assertThat(MachineId.fromFile(Files.writeString(dir.resolve("empty"), "\n")))
                .isEmpty();
    }
}
