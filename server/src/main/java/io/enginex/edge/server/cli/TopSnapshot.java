package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * What {@code engine top} shows, as read from the hub at one instant: the tenant's agents (archived
 * ones left out), the jobs awaiting approval and the most recent jobs, each as the hub's JSON object
 * ({@code GET /tenants/{t}/agents}, {@code GET /tenants/{t}/jobs?state=…}). Immutable.
 */
record TopSnapshot(List<JsonNode> agents, List<JsonNode> pending, List<JsonNode> jobs, Instant at) {
    TopSnapshot {
        agents = List.copyOf(agents);
        pending = List.copyOf(pending);
        jobs = List.copyOf(jobs);
    }

    /** The agent with this id, or null (an agent archived since, or not yet listed). */
    JsonNode agent(String agentId) {
        for (JsonNode a : agents) {
            if (a.path("id").asText().equals(agentId)) {
                return a;
            }
        }
        return null;
    }
}
