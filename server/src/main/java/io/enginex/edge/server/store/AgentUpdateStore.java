package io.enginex.edge.server.store;

import java.util.List;
import java.util.Optional;

/** Each agent's update state as it last reported it; one row per agent, replaced by each report. */
public interface AgentUpdateStore {
    /** Stores {@code report} in place of the agent's previous one. */
    void record(AgentUpdate report);

    Optional<AgentUpdate> find(String tenantId, String agentId);

    /** The tenant's agents' reports (revoked agents left out). */
    List<AgentUpdate> list(String tenantId);

    /**
     * Every tenant's reports of agents (revoked ones left out) following {@code channel} in rings
     * {@code fromRing} (inclusive) to {@code toRing} (exclusive). Not tenant-scoped: for the leader's
     * rollout guard, which counts a release's failures over the whole fleet, and shows only counts.
     */
    List<AgentUpdate> inRings(String channel, int fromRing, int toRing);
}
