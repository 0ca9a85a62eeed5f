package io.enginex.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A tool call to dispatch to an agent: {@code POST /tenants/{t}/sessions/{s}/jobs}. Immutable; the
 * {@code with…} methods return a changed copy.
 *
 * @param args the tool's arguments, a JSON object
 * @param timeout the job's deadline from its creation; null: the hub's default
 * @param idempotencyKey sent as {@code Idempotency-Key} on the create and every retry of it; null: a
 *     new random key per {@link EdgeClient#createJob} call. Give your own to make a create
 *     exactly-once across restarts of your program (store it with your own record of the job).
 */
public record JobRequest(String agentId, String tool, JsonNode args, Duration timeout, String idempotencyKey) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JobRequest {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(tool, "tool");
        args = args == null ? JSON.createObjectNode() : args;
        if (!args.isObject()) {
            throw new IllegalArgumentException("a job's args must be a JSON object; got " + args.getNodeType());
        }
        if (timeout != null && timeout.toSeconds() < 1) {
            throw new IllegalArgumentException("a job's timeout must be at least one second; got " + timeout);
        }
        if (idempotencyKey != null) {
            Transport.checkKey(idempotencyKey);
        }
    }

    /** {@code tool} on {@code agentId} with no arguments, the hub's default deadline and a fresh key. */
    public static JobRequest of(String agentId, String tool) {
        return new JobRequest(agentId, tool, null, null, null);
    }

    public JobRequest withArgs(JsonNode newArgs) {
        return new JobRequest(agentId, tool, newArgs, timeout, idempotencyKey);
    }

    /** Arguments from a map (converted to JSON as Jackson does). */
    public JobRequest withArgs(Map<String, ?> newArgs) {
        JsonNode tree = JSON.valueToTree(newArgs);
        return withArgs(tree);
    }

    public JobRequest withTimeout(Duration newTimeout) {
        return new JobRequest(agentId, tool, args, newTimeout, idempotencyKey);
    }

    public JobRequest withIdempotencyKey(String key) {
        return new JobRequest(agentId, tool, args, timeout, key);
    }

    /** The request body. */
    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", agentId);
        body.put("tool", tool);
        body.put("args", args);
        if (timeout != null) {
            body.put("timeoutSeconds", timeout.toSeconds());
        }
        return body;
    }
}
