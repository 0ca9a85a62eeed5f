package io.enginex.edge.server.mcp;

import io.enginex.edge.protocol.Printable;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.Session;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub session an MCP session's tool calls run in: one per MCP session, made at its first call
 * and named after the client ({@code MCP claude-code 2.1.0}), written in one transaction with an
 * {@code mcp-session.started} event that records the client's name and version as its
 * {@code initialize} gave them. Every {@code job.created} event then names that session. Thread-safe.
 */
final class HubSessions {
    private static final int MAX_CLIENT_TEXT = 60;

    private final Jobs jobs;
    private final Audit audit;
    private final IdempotentCreates creates;
    private final McpSessions sessions;

    HubSessions(Jobs jobs, Audit audit, IdempotentCreates creates, McpSessions sessions) {
        this.jobs = jobs;
        this.audit = audit;
        this.creates = creates;
        this.sessions = sessions;
    }

    /** The id of the hub session of {@code mcpSessionId}, made now if this is its first call. */
    String of(McpContext ctx, String mcpSessionId, McpSchema.Implementation client) {
        return sessions.hubSession(mcpSessionId, () -> create(ctx, mcpSessionId, client));
    }

    private String create(McpContext ctx, String mcpSessionId, McpSchema.Implementation client) {
        String name = client == null ? "unnamed client" : text(client.name()) + " " + text(client.version());
        // Prepared here, outside the transaction, as IdempotentCreates would; the write below joins it.
        Creation<Session> session = jobs.newSession(ctx.caller(), ctx.caller().tenantId(), "MCP " + name, s -> null)
                .prepared();
        Creation<Session> audited = Creation.of(
                () -> {
                    Session made = session.write();
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("mcpSessionId", mcpSessionId);
                    details.put("clientName", client == null ? null : client.name());
                    details.put("clientVersion", client == null ? null : client.version());
                    audit.record(
                            made.tenantId(),
                            AuditType.MCP_SESSION_STARTED,
                            Actor.of(ctx.caller()),
                            ctx.sourceIp(),
                            new Audit.Target("session", made.id()),
                            Audit.Outcome.SUCCESS,
                            details);
                    return made;
                },
                s -> null);
        return creates.once(audited).id();
    }

    /**
     * The MCP client as a job's requester names it: {@code MCP client claude-code 2.1.0}, from what its
     * {@code initialize} said ({@code MCP client (unnamed)} when it said nothing).
     */
    static String clientName(McpSchema.Implementation client) {
        String name = client == null ? "" : (text(client.name()) + " " + text(client.version())).strip();
        return "MCP client " + (name.isEmpty() ? "(unnamed)" : name);
    }

    private static String text(String s) {
        String escaped = Printable.escape(s == null ? "" : s.strip());
        return escaped.length() > MAX_CLIENT_TEXT ? escaped.substring(0, MAX_CLIENT_TEXT) : escaped;
    }
}
