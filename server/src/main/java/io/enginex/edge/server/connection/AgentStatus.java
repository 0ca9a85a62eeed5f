package io.enginex.edge.server.connection;

import java.time.Instant;

/**
 * An agent's {@link AgentState} at one moment, with what a person needs to act on it.
 *
 * @param detail why an agent is {@link AgentState#UNRESPONSIVE} (which job, silent since when), else null
 * @param stalledJobId the job whose silence made the agent unresponsive, or null
 * @param jobsInFlight jobs sent on its connection that have no result yet
 * @param lastFrameAt when the agent last sent any frame on its connection, or null when offline
 * @param lastProgressAt when it last reported progress on a job over its connection, or null
 */
public record AgentStatus(
        AgentState state,
        String detail,
        String stalledJobId,
        int jobsInFlight,
        Instant lastFrameAt,
        Instant lastProgressAt) {
    public static final AgentStatus OFFLINE = new AgentStatus(AgentState.OFFLINE, null, null, 0, null, null);

    public boolean connected() {
        return state != AgentState.OFFLINE;
    }
}
