package io.enginex.edge.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Hub → agent: the answer to a {@code state} frame that carried {@link AgentState#sessionEvents()}
 * (added in protocol 1.0 without a version change, like {@link GraphRunsAck}). The events named are
 * stored and audited on the hub (now, or before: a resent event is acknowledged again and audited
 * once); the agent drops them from its record and never sends them again. An event not named stays in
 * the record and is sent with the next {@code state} frame. An older hub never sends this frame: the
 * agent keeps its bounded record and resends it after each welcome, which such a hub ignores.
 *
 * <pre>{@code
 * {"type":"sessionEventsAck","id":"h-14","replyTo":"a-20",
 *  "events":[{"user":"bob","type":"x11","event":"started","since":"2026-12-05T06:10:00Z","at":"2026-12-05T06:10:00Z"}]}
 * }</pre>
 *
 * @param replyTo the id of the {@code state} frame
 * @param events the events of that frame the hub has
 */
public record SessionEventsAck(String id, String replyTo, List<SessionEvent> events) implements Message {
    public static final String TYPE = "sessionEventsAck";

    public SessionEventsAck {
        Messages.requireText(id, "id");
        Messages.requireText(replyTo, "replyTo");
        events = List.copyOf(Objects.requireNonNullElse(events, List.of()));
        if (events.size() > AgentState.MAX_SESSION_EVENTS) {
            throw new IllegalArgumentException(
                    "at most " + AgentState.MAX_SESSION_EVENTS + " events; got " + events.size());
        }
    }
}
