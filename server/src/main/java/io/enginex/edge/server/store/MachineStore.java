package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Which machine each agent runs on, per tenant. */
public interface MachineStore {
    /**
     * Records that {@code agentId} runs on {@code machineId} and marks the tenant's earlier agents of
     * that machine (not yet replaced) as replaced by it.
     *
     * @return the agents just marked replaced
     */
    List<String> record(String tenantId, String agentId, String machineId, Instant now);

    Optional<AgentMachine> find(String tenantId, String agentId);
}
