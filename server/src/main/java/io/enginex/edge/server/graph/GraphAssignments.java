package io.enginex.edge.server.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.protocol.AssignedGraphs;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.GraphRecord;
import io.enginex.edge.server.store.GraphStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Which graphs an agent is sent: the latest version of every graph of its tenant that is not
 * withdrawn and whose scope covers it (all of them, unlike policies, where the most specific scope
 * wins: graphs are separate pieces of work, not rules to intersect), each as its signed envelope,
 * with the hub's graph key. Sent in {@code welcome} and in {@code policy} frames. Thread-safe.
 */
public final class GraphAssignments {
    private final GraphStore store;
    private final TufKey key;
    private final ObjectMapper mapper;

    public GraphAssignments(GraphStore store, TufKey key, ObjectMapper mapper) {
        this.store = store;
        this.key = key;
        this.mapper = mapper;
    }

    /** The graphs assigned to {@code agent} now (the first {@link AssignedGraphs#MAX_GRAPHS} by name). */
    public AssignedGraphs assigned(Agent agent) {
        List<JsonNode> envelopes = new ArrayList<>();
        for (GraphRecord g : store.list(agent.tenantId())) {
            if (g.withdrawn() || !g.scope().covers(agent.id(), agent.labels())) {
                continue;
            }
            if (envelopes.size() == AssignedGraphs.MAX_GRAPHS) {
                break;
            }
            store.version(agent.tenantId(), g.id(), g.latestVersion())
                    .ifPresent(v -> envelopes.add(read(v.envelope())));
        }
        return new AssignedGraphs(key.publicHex(), envelopes);
    }

    private JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored graph envelope is not JSON", e);
        }
    }
}
