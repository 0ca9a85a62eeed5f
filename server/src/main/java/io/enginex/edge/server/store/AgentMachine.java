package io.enginex.edge.server.store;

import java.util.List;

/**
 * The machine an agent runs on, as a salted hash of the OS machine id.
 *
 * @param replacedBy the agent that enrolled later from the same machine, or null
 * @param sameMachine every other agent of the tenant enrolled from this machine, oldest first
 */
public record AgentMachine(String agentId, String machineId, String replacedBy, List<String> sameMachine) {}
