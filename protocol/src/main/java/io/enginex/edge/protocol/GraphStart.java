package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * Hub → agent: run the graph the hub assigned under {@code graph} now, with {@code input} (added in protocol
 * 1.0 without a version change; an agent that does not know it answers {@code bad_frame}). A person started it
 * on the hub ({@code POST /api/v1/tenants/{t}/graphs/{id}/start}); the agent runs it as any run of that graph,
 * with the trigger {@code hub}, queued behind the run going on, and the run carries {@code startId} so the
 * hub's runs API finds it once uploaded. The agent does not answer the frame: the run's upload is the answer.
 *
 * <pre>{@code
 * {"type":"graphStart","id":"h-14","startId":"gst_…","graphId":"gph_…","graph":"nightly-report",
 *  "input":{"day":"2026-12-05"},"by":"alice@acme.example"}
 * }</pre>
 *
 * @param startId the hub's id for this start, unique per tenant
 * @param graphId the hub's graph id
 * @param graph the graph's name (the agent keeps assigned graphs by name)
 * @param input the run's input, a JSON object ({@code {}} when none was given)
 * @param by who started it on the hub
 */
public record GraphStart(String id, String startId, String graphId, String graph, JsonNode input, String by)
        implements Message {
    public static final String TYPE = "graphStart";

    public GraphStart {
        Messages.requireText(id, "id");
        Messages.requireText(startId, "startId");
        Messages.requireText(graphId, "graphId");
        Messages.requireText(graph, "graph");
        input = input == null || input.isNull() ? JsonNodeFactory.instance.objectNode() : input;
        if (!input.isObject()) {
            throw new IllegalArgumentException("input must be a JSON object");
        }
        by = by == null ? "" : by;
    }
}
