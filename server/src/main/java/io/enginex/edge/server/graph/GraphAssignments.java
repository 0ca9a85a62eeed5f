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
 * with the hub's graph key, within {@link AssignedGraphs#MAX_GRAPHS} graphs and {@link
 * #MAX_ASSIGNED_CHARS}. Sent in {@code welcome} and in {@code policy} frames. Thread-safe.
 */
public final class GraphAssignments {
    /**
     * The most envelope text one agent is sent (half a frame, which also carries its policies): graphs
     * beyond it are left out, by name, and logged.
     */
    public static final int MAX_ASSIGNED_CHARS = 512 * 1024;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GraphAssignments.class);

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
        int chars = 0;
        for (GraphStore.Latest latest : store.latestVersions(agent.tenantId())) {
            GraphRecord g = latest.graph();
            if (!g.scope().covers(agent.id(), agent.labels())) {
                continue;
            }
            String envelope = latest.version().envelope();
            int size = envelope.length();
            if (envelopes.size() == AssignedGraphs.MAX_GRAPHS || chars + size > MAX_ASSIGNED_CHARS) {
                log.atWarn()
                        .addKeyValue("tenant", agent.tenantId())
                        .addKeyValue("agentId", agent.id())
                        .addKeyValue("graph", g.id())
                        .log("graph not sent: the agent's graphs would exceed " + AssignedGraphs.MAX_GRAPHS
                                + " graphs or " + MAX_ASSIGNED_CHARS + " characters; assign fewer or smaller graphs");
                continue;
            }
            chars += size;
            envelopes.add(read(envelope));
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
