package io.enginex.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * An agent of a tenant as the hub lists it. Immutable.
 *
 * @param state {@code online}, {@code busy}, {@code unresponsive} or {@code offline}
 * @param connected whether it holds a connection to the hub now
 * @param json the hub's whole answer, for fields this type does not name (tools, policy, update state …)
 */
public record Agent(
        String id,
        String hostname,
        String os,
        String arch,
        String agentVersion,
        String state,
        boolean connected,
        List<String> labels,
        Instant lastSeenAt,
        JsonNode json) {
    public Agent {
        labels = List.copyOf(labels);
    }

    static Agent from(JsonNode node) {
        return new Agent(
                Fields.text(node, "id"),
                Fields.text(node, "hostname"),
                Fields.text(node, "os"),
                Fields.text(node, "arch"),
                Fields.text(node, "agentVersion"),
                Fields.text(node, "state"),
                node.path("connected").asBoolean(false),
                Fields.strings(node, "labels"),
                Fields.instant(node, "lastSeenAt"),
                node);
    }
}
