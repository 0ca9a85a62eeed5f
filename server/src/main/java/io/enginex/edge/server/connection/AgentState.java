package io.enginex.edge.server.connection;

import java.util.Locale;

/**
 * What an agent is doing, as the fleet page and the agents API show it. "Connected" and "making
 * progress" are different facts: an agent whose socket is up but whose jobs have gone silent is
 * {@link #UNRESPONSIVE}, never green. Computed by {@link AgentStates}.
 */
public enum AgentState {
    /** Connected to this hub node and running nothing. */
    ONLINE,
    /** Connected, with jobs in flight that acknowledged or reported progress recently. */
    BUSY,
    /**
     * Connected, but a job sent to it has shown no sign of life (ack, progress) for longer than the
     * hub's {@code --unresponsive-after}, or the agent sent no frame at all for that long.
     */
    UNRESPONSIVE,
    /** Not connected to this hub node (or revoked). */
    OFFLINE;

    /** {@code online}, {@code busy}, {@code unresponsive}, {@code offline}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wire()}; null for anything else. */
    public static AgentState fromWire(String value) {
        for (AgentState s : values()) {
            if (s.wire().equals(value)) {
                return s;
            }
        }
        return null;
    }
}
