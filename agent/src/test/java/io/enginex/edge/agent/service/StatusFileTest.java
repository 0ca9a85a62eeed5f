package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {
    @TempDir
    Path temp;

    @Test
    void theBoardWritesEachChangeOwnerOnlyAndItReadsBack() throws Exception {
        StatusFile file = new StatusFile(temp, new MessageCodec().mapper());
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        StatusBoard board = new StatusBoard(file, clock, 42, "1.2.3");

        board.state("enrolling");
        board.error("the hub refused the token");
        board.agent("https://hub.example.com", "agt_1", "acme");
        board.connected();

        AgentStatus read = file.read().orElseThrow();
        assertThat(read.state()).isEqualTo("connected");
        assertThat(read.lastError()).isNull();
        assertThat(read.agentId()).isEqualTo("agt_1");
        assertThat(read.tenant()).isEqualTo("acme");
        assertThat(read.hub()).isEqualTo("https://hub.example.com");
        assertThat(read.lastConnectedAt()).isEqualTo(clock.instant());
        assertThat(read.pid()).isEqualTo(42);
        assertThat(read.version()).isEqualTo("1.2.3");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
                .isEqualTo("rw-------");
        assertThat(Files.list(temp)).containsExactly(file.path());
    }

    @Test
    void aFailedEnrolmentStaysVisibleUntilConnected() throws Exception {
        StatusFile file = new StatusFile(temp, new MessageCodec().mapper());
        StatusBoard board = new StatusBoard(file, Clock.systemUTC(), 1, "1");

        board.state("enrolling");
        board.error("enrolment failed: the token has expired");

        assertThat(file.read().orElseThrow().lastError()).contains("expired");
        assertThat(file.read().orElseThrow().state()).isEqualTo("enrolling");
    }

    @Test
    void noFileYetReadsAsEmpty() throws Exception {
        assertThat(new StatusFile(temp, new MessageCodec().mapper()).read()).isEmpty();
    }
}
