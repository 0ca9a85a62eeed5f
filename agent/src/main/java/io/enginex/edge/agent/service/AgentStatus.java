package io.enginex.edge.agent.service;

import io.enginex.edge.protocol.Pause;
import java.time.Instant;

/**
 * What the running agent reports about itself in {@code status.json}. Holds no secrets.
 *
 * @param state one of {@code starting}, {@code enrolling}, {@code connecting}, {@code connected},
 *     {@code stopped}, {@code revoked}
 * @param hub the hub URL, or null before enrolment
 * @param agentId null before enrolment
 * @param tenant null before enrolment
 * @param since when {@code state} began
 * @param lastConnectedAt the last time the agent was seen connected (updated every 30 s while connected), or null
 * @param lastError the last failure a person should see, with its fix (enrolment refused, hub unreachable,
 *     TLS refused, clock skew, heartbeat lost, revoked); null once connected again
 * @param pid the agent's process id
 * @param version the agent's version
 * @param updatedAt when this was written
 * @param paused the person's pause (who, since when), or null while the agent takes jobs
 * @param update what governs this agent's updates
 * @param ui the local status page's address ({@code http://127.0.0.1:PORT/}), or null when it is off
 */
public record AgentStatus(
        String state,
        String hub,
        String agentId,
        String tenant,
        Instant since,
        Instant lastConnectedAt,
        String lastError,
        long pid,
        String version,
        Instant updatedAt,
        Pause paused,
        UpdateState update,
        String ui) {

    public AgentStatus withState(String newState, Instant at) {
        return new AgentStatus(
                newState,
                hub,
                agentId,
                tenant,
                newState.equals(state) ? since : at,
                lastConnectedAt,
                lastError,
                pid,
                version,
                at,
                paused,
                update,
                ui);
    }

    public AgentStatus withAgent(String newHub, String newAgentId, String newTenant) {
        return new AgentStatus(
                state,
                newHub,
                newAgentId,
                newTenant,
                since,
                lastConnectedAt,
                lastError,
                pid,
                version,
                updatedAt,
                paused,
                update,
                ui);
    }

    public AgentStatus withError(String error) {
        return new AgentStatus(
                state,
                hub,
                agentId,
                tenant,
                since,
                lastConnectedAt,
                error,
                pid,
                version,
                updatedAt,
                paused,
                update,
                ui);
    }

    public AgentStatus withConnectedAt(Instant at) {
        return new AgentStatus(state, hub, agentId, tenant, since, at, lastError, pid, version, at, paused, update, ui);
    }

    public AgentStatus withPaused(Pause pause, Instant at) {
        return new AgentStatus(
                state, hub, agentId, tenant, since, lastConnectedAt, lastError, pid, version, at, pause, update, ui);
    }

    public AgentStatus withUpdate(UpdateState newUpdate) {
        return new AgentStatus(
                state,
                hub,
                agentId,
                tenant,
                since,
                lastConnectedAt,
                lastError,
                pid,
                version,
                updatedAt,
                paused,
                newUpdate,
                ui);
    }

    public AgentStatus withUi(String address) {
        return new AgentStatus(
                state,
                hub,
                agentId,
                tenant,
                since,
                lastConnectedAt,
                lastError,
                pid,
                version,
                updatedAt,
                paused,
                update,
                address);
    }
}
