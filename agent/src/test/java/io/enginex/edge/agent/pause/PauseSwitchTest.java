package io.enginex.edge.agent.pause;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PauseSwitchTest {
    @TempDir
    Path stateDir;

    private final ObjectMapper mapper = new MessageCodec().mapper();

    @Test
    void aPauseOutlivesARestartKeepsItsFirstPersonAndTellsListenersInOrder() throws IOException {
        PauseSwitch first = new PauseSwitch(new PauseFile(stateDir, mapper), Clock.systemUTC());
        List<String> heard = new ArrayList<>();
        first.onChange(c -> heard.add((c.now() == null ? "resumed by " : "paused by ") + c.by() + " via " + c.via()));

        Pause paused = first.pause("alice", "status page");
        Pause again = first.pause("bob", "cli");
        PauseSwitch restarted = new PauseSwitch(new PauseFile(stateDir, mapper), Clock.systemUTC());

        assertThat(again).isEqualTo(paused);
        assertThat(restarted.get()).isEqualTo(paused);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve(PauseFile.FILE_NAME))))
                .isEqualTo("rw-------");

        first.resume("bob", "cli");
        first.resume("bob", "cli");

        assertThat(heard).containsExactly("paused by alice via status page", "resumed by bob via cli");
        assertThat(new PauseSwitch(new PauseFile(stateDir, mapper), Clock.systemUTC()).get())
                .isNull();
    }

    @Test
    void aDamagedPauseFileStillReadsAsPaused() throws IOException {
        Files.writeString(stateDir.resolve(PauseFile.FILE_NAME), "{not json");

        Pause pause = new PauseSwitch(new PauseFile(stateDir, mapper), Clock.systemUTC()).get();

        assertThat(pause).isNotNull();
        assertThat(pause.by()).isEqualTo("unknown");
    }
}
