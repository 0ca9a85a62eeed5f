package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusBoardTest {
    @TempDir
    Path dir;

    private final Queue<Runnable> writes = new ArrayDeque<>();

    @Test
    void aBurstOfChangesIsOneWriteOfTheLatestStatus() throws Exception {
        StatusFile file = new StatusFile(dir, new MessageCodec().mapper());
        StatusBoard board = new StatusBoard(file, Clock.systemUTC(), 42, "test", writes::add);

        board.state("connecting");
        board.connected();
        board.connecting("cannot reach the hub — fix: start it");

        assertThat(writes).hasSize(1);
        assertThat(file.read()).isEmpty();
        writes.remove().run();
        AgentStatus written = file.read().orElseThrow();
        assertThat(written.state()).isEqualTo("connecting");
        assertThat(written.lastError()).isEqualTo("cannot reach the hub — fix: start it");

        board.connected();
        assertThat(writes).as("a change after the write asks for another").hasSize(1);
        writes.remove().run();
        assertThat(file.read().orElseThrow().state()).isEqualTo("connected");
        assertThat(file.read().orElseThrow().lastError()).isNull();
    }
}
