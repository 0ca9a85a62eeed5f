package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.SessionEvent;
import io.enginex.edge.protocol.SessionPart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionEventRecordTest {
    private static final Instant NOW = Instant.parse("2026-12-05T06:40:00Z");

    @TempDir
    Path dir;

    private final MessageCodec codec = new MessageCodec();

    private SessionEventRecord open() {
        return new SessionEventRecord(
                dir.resolve("session-events.jsonl"), codec.mapper(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aSignInAndOutSurviveARestartAndAreDroppedOnlyOnceTheHubHasThem() throws Exception {
        SessionPart bob = new SessionPart("bob", "x11", Instant.parse("2026-12-05T06:10:00Z"));
        SessionPart carol = new SessionPart("carol", "wayland", Instant.parse("2026-12-05T06:20:00Z"));
        SessionEventRecord record = open();
        record.changed(List.of(), List.of(bob));
        record.changed(List.of(bob), List.of(bob, carol));
        record.changed(List.of(bob, carol), List.of(carol));
        record.changed(List.of(carol), List.of(carol));

        List<SessionEvent> expected =
                List.of(SessionEvent.started(bob), SessionEvent.started(carol), SessionEvent.ended(bob, NOW));
        assertThat(open().pending()).as("read back after a restart").containsExactlyElementsOf(expected);
        assertThat(Files.getPosixFilePermissions(dir.resolve("session-events.jsonl"))
                        .toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");

        SessionEventRecord restarted = open();
        restarted.acked(List.of(SessionEvent.started(bob), SessionEvent.started(carol)));
        assertThat(restarted.pending()).containsExactly(SessionEvent.ended(bob, NOW));
        assertThat(open().pending()).containsExactly(SessionEvent.ended(bob, NOW));
        restarted.acked(List.of(SessionEvent.ended(bob, NOW)));
        assertThat(open().pending()).isEmpty();
    }

    @Test
    void aLineCutOffByACrashIsLeftOutAndTheRecordKeepsTheNewest() throws Exception {
        SessionEventRecord record = open();
        List<SessionPart> parts = new ArrayList<>();
        for (int i = 0; i < SessionEventRecord.KEPT + 5; i++) {
            SessionPart part = new SessionPart("u" + i, "tty", NOW.minusSeconds(1000 - i));
            record.changed(List.copyOf(parts), List.of(part));
            parts.clear();
            parts.add(part);
        }
        assertThat(record.pending()).hasSize(SessionEventRecord.KEPT);
        assertThat(open().pending()).containsExactlyElementsOf(record.pending());
        assertThat(record.pending().getLast()).isEqualTo(SessionEvent.started(parts.getFirst()));

        Files.writeString(
                dir.resolve("session-events.jsonl"),
                "{\"user\":\"zed\",\"type\":\"tty\",\"event\":\"sta",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(open().pending()).containsExactlyElementsOf(record.pending());
    }
}
