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
 * }</pre>
 *
 * <p>Added in protocol 1.0 without a version change: a hub that does not know it answers {@code
 * unknown_type} and the connection stays up; the agent still refuses jobs while paused.
 *
 * @param pause null when not paused
 */
public record AgentState(String id, Pause pause) implements Message {
    public static final String TYPE = "state";

    public AgentState {
        Messages.requireText(id, "id");
    }

    public boolean paused() {
        return pause != null;
    }
}
