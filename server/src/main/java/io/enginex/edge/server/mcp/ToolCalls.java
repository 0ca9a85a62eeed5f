package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.IdempotentRequest;
import io.enginex.edge.server.job.JobRequest;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.enginex.edge.server.store.Job;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * {@code tools/call}: the named tool of an online agent becomes a job in the MCP session's hub session
 * ({@link Jobs#newJob}, so policy, approval, the {@code job.created} event and dispatch are the REST
 * API's), created exactly once per MCP session and JSON-RPC request id through {@link
 * IdempotentCreates}: a retried request gets the first call's job, never a second run. Then it waits
 * for the result ({@link JobResults}). A read-only key is refused ({@code forbidden}). Blocks the
 * request's (virtual) thread.
 */
final class ToolCalls {
    /** The method and path the idempotency fingerprint is made of (with the tool name and arguments). */
    static final String FINGERPRINT_PATH = "/mcp tools/call";

    private final McpTools tools;
    private final Jobs jobs;
    private final IdempotentCreates creates;
    private final HubSessions hubSessions;
    private final JobResults results;
    private final ObjectMapper mapper = new ObjectMapper();

    ToolCalls(McpTools tools, Jobs jobs, IdempotentCreates creates, HubSessions hubSessions, JobResults results) {
        this.tools = tools;
        this.jobs = jobs;
        this.creates = creates;
        this.hubSessions = hubSessions;
        this.results = results;
    }

    /**
     * Runs one call.
     *
     * @throws McpError {@code -32602} for a tool no online agent of the tenant offers (list again)
     */
    McpSchema.CallToolResult call(McpAsyncServerExchange exchange, Object params) {
        McpContext ctx = (McpContext) exchange.transportContext().get(McpContext.KEY);
        JsonNode request = mapper.valueToTree(params);
        String name = request.path("name").asText("");
        JsonNode args = request.path("arguments").isObject() ? request.get("arguments") : mapper.createObjectNode();
        try {
            Consumer<Job> progress = Progress.of(exchange, request.path("_meta").path("progressToken"));
            if (name.equals(JobResults.TOOL_NAME)) {
                return results.await(ctx.caller(), args.path("jobId").asText(""), progress);
            }
            var found = tools.find(ctx.caller(), name);
            if (found.isEmpty() && tools.offered(ctx.caller(), name)) {
                return refused(
                        "tool_not_allowed",
                        "the tenant's MCP tool rules do not let the role "
                                + ctx.caller().role().wire() + " use \""
                                + name + "\"; a tenant admin can change them (engine mcp-rules show --tenant "
                                + ctx.caller().tenantId() + ")");
            }
            AgentTool target = found.orElseThrow(() -> unknown(name));
            String jobId = start(ctx, exchange, target, args);
            return results.await(ctx.caller(), jobId, progress);
        } catch (HubException e) {
            return refused(e.code(), e.getMessage());
        } catch (DatabaseUnavailableException e) {
            return refused("database_unavailable", "the hub's database is unavailable; call again in a few seconds");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refused("interrupted", "the hub stopped waiting for the job; call " + JobResults.TOOL_NAME);
        }
    }

    private String start(McpContext ctx, McpAsyncServerExchange exchange, AgentTool target, JsonNode args) {
        Caller caller = ctx.caller();
        String tenant = caller.tenantId();
        caller.requireWrite(); // before a hub session is made for a caller who may not call
        String session = hubSessions.of(ctx, exchange.sessionId(), exchange.getClientInfo());
        var job = new JobRequest(target.agent().id(), target.tool().name(), args, JobRequest.DEFAULT_TIMEOUT);
        ObjectNode fingerprint = mapper.createObjectNode().put("name", target.mcpName());
        fingerprint.set("arguments", args);
        var request = new IdempotentRequest(
                tenant,
                caller.actorId(),
                key(exchange.sessionId(), ctx.rpcId()),
                "POST",
                FINGERPRINT_PATH,
                fingerprint.toString().getBytes(StandardCharsets.UTF_8));
        Answer answer = creates.create(
                request,
                jobs.newJob(
                        caller,
                        HubSessions.clientName(exchange.getClientInfo()),
                        tenant,
                        session,
                        job,
                        made -> Answer.of(201, made.id(), "{\"jobId\":\"" + made.id() + "\"}")));
        return answer.resourceId();
    }

    /**
     * The idempotency key of a call: a hash of the MCP session id and the JSON-RPC id (unique within
     * a session by the specification), or null when there is no id to make one from.
     */
    static String key(String mcpSessionId, String rpcId) {
        if (mcpSessionId == null || rpcId == null) {
            return null;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((mcpSessionId + "\n" + rpcId).getBytes(StandardCharsets.UTF_8));
            return "mcp-" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static McpError unknown(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("no online agent of this tenant offers a tool named \"" + name + "\"; agents come and go,"
                        + " so list the tools again (tools/list)")
                .build();
    }

    private static McpSchema.CallToolResult refused(String code, String message) {
        return McpSchema.CallToolResult.builder()
                .addTextContent(code + ": " + message)
                .isError(true)
                .build();
    }
}
