package io.enginex.edge.protocol;

/**
 * Agent → hub, whenever the state the person at the machine controls changes while connected (and
 * never before {@code welcome}; the state at connection time travels in {@link Hello#pause()}). Each
 * frame carries the whole state, so the last one received is the truth: no {@code pause} means the
 * agent takes jobs.
 *
 * <pre>{@code
 * {"type":"state","id":"a-12","pause":{"by":"alice","since":"2026-11-26T10:02:11Z"}}
 * {"type":"state","id":"a-19"}
 * {"type":"state","id":"a-20","sessionParts":[{"user":"alice","type":"wayland","since":"2026-12-05T08:01:44Z"}]}
 * {"type":"state","id":"a-21","sessionParts":[],
 *  "sessionEvents":[{"user":"bob","type":"x11","event":"started","since":"2026-12-05T06:10:00Z","at":"2026-12-05T06:10:00Z"},
 *                   {"user":"bob","type":"x11","event":"ended","since":"2026-12-05T06:10:00Z","at":"2026-12-05T06:40:00Z"}]}
 * }</pre>
 *
 * <p>{@code sessionParts} (added later, also without a version change): the users' session parts connected
 * to the agent's service now; absent from an agent that has no session socket (or is older), empty when
 * none is connected. The agent sends a frame whenever the list changes, and right after {@code welcome}.
 *
 * <p>{@code sessionEvents} (added later, also without a version change): session parts that started or
 * ended while the agent could not report (it was offline), each with the time the agent saw it, oldest
 * first; absent when there are none. The hub audits each once and answers with a {@link
 * SessionEventsAck}; until then the agent sends them again in each {@code state} frame. A field, not a
 * frame of its own, because it travels with the list it explains and an older hub ignores an unknown
 * field (where an unknown frame would earn an error each time).
 *
 * <p>Added in protocol 1.0 without a version change: a hub that does not know it answers {@code
 * unknown_type} and the connection stays up; the agent still refuses jobs while paused.
 *
 * @param pause null when not paused
 * @param sessionParts null when the agent reports none (no session socket, or an older agent)
 * @param sessionEvents null when the agent has none to report
 */
public record AgentState(
        String id, Pause pause, java.util.List<SessionPart> sessionParts, java.util.List<SessionEvent> sessionEvents)
        implements Message {
    public static final String TYPE = "state";

    /** At most this many session parts travel. */
    public static final int MAX_SESSION_PARTS = 100;

    /** At most this many session events travel in one frame (the agent keeps no more than this). */
    public static final int MAX_SESSION_EVENTS = 200;

    public AgentState {
        Messages.requireText(id, "id");
        if (sessionParts != null) {
            if (sessionParts.size() > MAX_SESSION_PARTS) {
                throw new IllegalArgumentException(
                        "at most " + MAX_SESSION_PARTS + " sessionParts; got " + sessionParts.size());
            }
            sessionParts = java.util.List.copyOf(sessionParts);
        }
        if (sessionEvents != null) {
            if (sessionEvents.size() > MAX_SESSION_EVENTS) {
                throw new IllegalArgumentException(
                        "at most " + MAX_SESSION_EVENTS + " sessionEvents; got " + sessionEvents.size());
            }
            sessionEvents = sessionEvents.isEmpty() ? null : java.util.List.copyOf(sessionEvents);
        }
    }

    /** A state frame without session events. */
    public AgentState(String id, Pause pause, java.util.List<SessionPart> sessionParts) {
        this(id, pause, sessionParts, null);
    }

    /** A state frame without session parts (an agent with no session socket). */
    public AgentState(String id, Pause pause) {
        this(id, pause, null, null);
    }

    public boolean paused() {
        return pause != null;
    }
}
