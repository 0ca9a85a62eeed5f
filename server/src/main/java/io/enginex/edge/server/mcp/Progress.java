package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.store.Job;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP progress notifications for a call whose client sent a {@code progressToken}: each tells the
 * job's state ({@code job job_… is running}) with a count that only grows, on the call's own response
 * stream. A client that left is not an error: the call ends as it would have. Used on one request's
 * thread.
 */
final class Progress implements Consumer<Job> {
    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final McpAsyncServerExchange exchange;
    private final Object token;
    private int sent;

    private Progress(McpAsyncServerExchange exchange, Object token) {
        this.exchange = exchange;
        this.token = token;
    }

    /** Progress for the request whose {@code _meta.progressToken} is {@code token}; null when it has none. */
    static Progress of(McpAsyncServerExchange exchange, JsonNode token) {
        if (token.isTextual()) {
            return new Progress(exchange, token.asText());
        }
        return token.isIntegralNumber() ? new Progress(exchange, token.longValue()) : null;
    }

    @Override
    public void accept(Job job) {
        sent++;
        String message =
                "job " + job.id() + " (" + job.tool() + ") is " + job.state().wire();
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(token, (double) sent, null, message, null))
                    .block(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            log.atDebug()
                    .addKeyValue("jobId", job.id())
                    .addKeyValue("reason", e.toString())
                    .log("cannot send MCP progress; the client may have left");
        }
    }
}
