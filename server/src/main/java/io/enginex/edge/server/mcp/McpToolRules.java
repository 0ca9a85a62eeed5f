package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.McpToolRuleStore;
import io.enginex.edge.server.store.Transactions;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * A tenant's MCP tool rules ({@link ToolRules}) as a use case: every role of the tenant may read them
 * (they say what its MCP clients see); admins and owners set and clear them. A change and its audit
 * event ({@code mcp-tool-rules.changed}) commit together; then live views are told, which sends the
 * tenant's MCP sessions {@code tools/list_changed} where their list changed. Thread-safe.
 */
public final class McpToolRules {
    private final McpToolRuleStore store;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;
    private final Clock clock;
    private final ObjectMapper mapper;

    public McpToolRules(
            McpToolRuleStore store,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            LiveViews live,
            Clock clock,
            ObjectMapper mapper) {
        this.store = store;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
        this.clock = clock;
        this.mapper = mapper;
    }

    /**
     * A tenant's rules as the API shows them.
     *
     * @param rules the rules document ({@code {"roles": {}}} when none are set)
     * @param updatedAt when they were last set, or null when none are
     */
    public record View(String tenant, JsonNode rules, Instant updatedAt, String updatedBy) {}

    public View show(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return store.find(tenant)
                .map(s -> new View(tenant, read(s.rulesJson()).document(mapper), s.updatedAt(), s.updatedBy()))
                .orElseGet(() -> new View(tenant, ToolRules.NONE.document(mapper), null, null));
    }

    /**
     * Replaces the tenant's rules.
     *
     * @throws HubException.BadRequest {@code invalid_tool_rules}
     */
    public View set(Caller caller, String tenant, JsonNode rules, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        JsonNode document = ToolRules.parse(rules).document(mapper);
        McpToolRuleStore.Stored stored = tx.inTransaction(() -> {
            McpToolRuleStore.Stored s = store.put(tenant, document.toString(), caller.actorId(), clock.instant());
            audit.record(
                    tenant,
                    AuditType.MCP_TOOL_RULES_CHANGED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("mcp_tool_rules", tenant),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("action", "set", "rules", document)));
            return s;
        });
        live.changed(tenant);
        return new View(tenant, document, stored.updatedAt(), stored.updatedBy());
    }

    /**
     * Removes the tenant's rules: every role may use every tool again.
     *
     * @return false when the tenant had none (nothing is audited then)
     */
    public boolean clear(Caller caller, String tenant, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        boolean cleared = tx.inTransaction(() -> {
            boolean had = store.delete(tenant);
            if (had) {
                audit.record(
                        tenant,
                        AuditType.MCP_TOOL_RULES_CHANGED,
                        Actor.of(caller),
                        origin.sourceIp(),
                        new Audit.Target("mcp_tool_rules", tenant),
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("action", "cleared")));
            }
            return had;
        });
        if (cleared) {
            live.changed(tenant);
        }
        return cleared;
    }

    /** The rules MCP applies to the tenant's callers (none set: {@link ToolRules#NONE}). */
    ToolRules of(String tenant) {
        return store.find(tenant).map(s -> read(s.rulesJson())).orElse(ToolRules.NONE);
    }

    private ToolRules read(String json) {
        try {
            return ToolRules.parse(mapper.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("stored MCP tool rules are not JSON", e);
        }
    }
}
