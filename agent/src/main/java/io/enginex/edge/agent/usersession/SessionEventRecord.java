package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.StateFiles;
import io.enginex.edge.agent.graph.DurableAppend;
import io.enginex.edge.protocol.AgentState;
import io.enginex.edge.protocol.SessionEvent;
import io.enginex.edge.protocol.SessionPart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The starts and ends of users' session parts that the service saw while it could not tell the hub (no
 * welcomed connection), kept until the hub acknowledges them ({@code sessionEventsAck}) so a sign-in
 * and sign-out while offline still reaches the hub's audit trail, with its own time. Kept in {@code
 * <state-dir>/session-events.jsonl}, owner-only: one event a line, appended and forced to the disk
 * ({@link DurableAppend}) as it happens, so it survives a crash or a restart of the service; rewritten
 * whole ({@link StateFiles#replaceOwnerOnly}) when the hub acknowledged some or more than {@link #KEPT}
 * are waiting (the oldest are dropped then: the hub's list diff still notices those changes, at
 * reconnect time). Thread-safe.
 */
public final class SessionEventRecord {
    private static final Logger log = LoggerFactory.getLogger(SessionEventRecord.class);

    /** At most this many events wait for the hub; as many as one {@code state} frame carries. */
    public static final int KEPT = AgentState.MAX_SESSION_EVENTS;

    /** Its name in the state folder; deleted with the agent's other state when it deregisters. */
    public static final String FILE_NAME = "session-events.jsonl";

    private final Path file;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final List<SessionEvent> pending = new ArrayList<>();

    /**
     * Reads what {@code file} kept (nothing when it does not exist; a line cut off by a crash is left out).
     *
     * @param mapper the protocol's mapper ({@code MessageCodec}), so times are written as on the wire
     * @throws UncheckedIOException when the file exists but cannot be read
     */
    public SessionEventRecord(Path file, ObjectMapper mapper, Clock clock) {
        this.file = file;
        this.mapper = mapper;
        this.clock = clock;
        if (Files.exists(file)) {
            try {
                for (String line : DurableAppend.completeLines(file)) {
                    try {
                        pending.add(mapper.readValue(line, SessionEvent.class));
                    } catch (IOException | RuntimeException e) {
                        log.atWarn().log("skipping an unreadable line of " + file + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read " + file + " (the session events the hub has not heard of); fix its"
                                + " permissions or remove it: " + e.getMessage(),
                        e);
            }
            trim();
        }
    }

    /**
     * Records what changed between two lists of connected session parts: a part missing from {@code
     * after} ended now, a part new in it started at its {@code since}. A part is its user and {@code since}.
     */
    public synchronized void changed(List<SessionPart> before, List<SessionPart> after) {
        Set<String> was = before.stream().map(SessionEventRecord::key).collect(Collectors.toSet());
        Set<String> now = after.stream().map(SessionEventRecord::key).collect(Collectors.toSet());
        List<SessionEvent> events = new ArrayList<>();
        before.stream()
                .filter(p -> !now.contains(key(p)))
                .forEach(p -> events.add(SessionEvent.ended(p, clock.instant())));
        after.stream().filter(p -> !was.contains(key(p))).forEach(p -> events.add(SessionEvent.started(p)));
        if (events.isEmpty()) {
            return;
        }
        pending.addAll(events);
        try {
            if (trim() || !Files.exists(file)) {
                rewrite();
            } else {
                DurableAppend.to(file, lines(events));
            }
        } catch (IOException e) {
            // kept in memory: the hub hears of them while the service runs; only a restart would lose them
            log.atError().setCause(e).log("cannot record session events in " + file);
        }
    }

    /** The events the hub has not acknowledged, oldest first (at most {@link #KEPT}). */
    public synchronized List<SessionEvent> pending() {
        return List.copyOf(pending);
    }

    /** The hub has {@code stored}: they are dropped from the record and never sent again. */
    public synchronized void acked(List<SessionEvent> stored) {
        if (!pending.removeAll(stored)) {
            return;
        }
        try {
            rewrite();
        } catch (IOException e) {
            // sent again after a restart; the hub acknowledges them again and audits nothing twice
            log.atWarn().setCause(e).log("cannot drop acknowledged session events from " + file);
        }
    }

    private boolean trim() {
        int over = pending.size() - KEPT;
        if (over <= 0) {
            return false;
        }
        pending.subList(0, over).clear();
        log.atWarn().log("more than " + KEPT + " session events wait for the hub; the oldest " + over + " dropped");
        return true;
    }

    private void rewrite() throws IOException {
        StateFiles.replaceOwnerOnly(file, lines(pending));
    }

    /** {@code events} as the file keeps them: one JSON line each. */
    private byte[] lines(List<SessionEvent> events) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (SessionEvent event : events) {
            lines.append(mapper.writeValueAsString(event)).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String key(SessionPart part) {
        return part.user() + "\n" + part.since();
    }
}
