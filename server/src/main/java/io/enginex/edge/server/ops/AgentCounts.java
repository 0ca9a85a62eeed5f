package io.enginex.edge.server.ops;

/**
 * Connected agents and how many of them are busy and unresponsive; the rest are online.
 *
 * @param connected agents with an active connection
 */
public record AgentCounts(int connected, int busy, int unresponsive) {
    /** No agent. */
    public static final AgentCounts NONE = new AgentCounts(0, 0, 0);

    public AgentCounts {
        if (connected < 0 || busy < 0 || unresponsive < 0 || busy + unresponsive > connected) {
            throw new IllegalArgumentException(
                    "agent counts must be non-negative with busy + unresponsive <= connected;" + " got connected "
                            + connected + ", busy " + busy + ", unresponsive " + unresponsive);
        }
    }

    /** Connected, neither busy nor unresponsive. */
    public int online() {
        return connected - busy - unresponsive;
    }

    /** Both counts added. */
    public AgentCounts plus(AgentCounts other) {
        return new AgentCounts(connected + other.connected, busy + other.busy, unresponsive + other.unresponsive);
    }
}
