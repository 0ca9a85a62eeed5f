package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Objects;

/**
 * Agent → hub: a step of a graph run waits for a person's approval (added in protocol 1.0 without a version
 * change). Sent when the step starts to wait on a welcomed connection, and again after every {@code welcome}
 * for every step still waiting, so an agent that was offline tells the hub at its reconnect. The hub keeps
 * one approval per agent, run and step: a repeated frame changes nothing. It is not answered; the hub's
 * decision comes as a {@link GraphDecision}.
 *
 * <pre>{@code
 * {"type":"graphApproval","id":"a-21","runId":"run_…","step":"pay","graphId":"gph_…","graph":"payments",
 *  "version":3,"tool":"exec","args":{"command":"erp-pay","params":{"month":"2026-11"}},
 *  "reason":"sends the month's payments","requestedAt":"2026-12-05T02:00:03Z"}
 * }</pre>
 *
 * @param runId the run ({@code run_…})
 * @param step the step id in the graph
 * @param graphId the hub's graph id, or null for a run of a graph file ({@code graph run FILE})
 * @param graph the graph's name
 * @param version the hub's graph version, or null for a graph file
 * @param tool the tool the step calls
 * @param args the step's arguments as it would run them (references resolved), with the values of fields
 *     that look like secrets (a name containing {@code secret}, {@code password}, {@code token}, {@code key}
 *     or {@code authorization}) replaced by {@code "[redacted]"}
 * @param reason the reason the graph gives for the approval
 * @param requestedAt when the step started to wait (the device's clock)
 */
public record GraphApproval(
        String id,
        String runId,
        String step,
        String graphId,
        String graph,
        Integer version,
        String tool,
        JsonNode args,
        String reason,
        Instant requestedAt)
        implements Message {
    public static final String TYPE = "graphApproval";

    public GraphApproval {
        Messages.requireText(id, "id");
        Messages.requireText(runId, "runId");
        Messages.requireText(step, "step");
        Messages.requireText(graph, "graph");
        Messages.requireText(tool, "tool");
        Objects.requireNonNull(requestedAt, "requestedAt");
        args = args == null || args.isNull() ? JsonNodeFactory.instance.objectNode() : args;
        reason = reason == null ? "" : reason;
    }
}
