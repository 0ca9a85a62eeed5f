package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.mcp.McpToolRules;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * A tenant's MCP tool rules: {@code /api/v1/tenants/{t}/mcp/tool-rules}, over {@link McpToolRules}.
 * Every role of the tenant reads them; admins and owners replace ({@code PUT}, the body is the rules
 * document) and clear them ({@code DELETE}).
 */
final class McpToolRuleRoutes {
    private static final String PATH = "/api/v1/tenants/{t}/mcp/tool-rules";

    private final McpToolRules rules;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    McpToolRuleRoutes(McpToolRules rules, ApiAccess access, ObjectMapper mapper) {
        this.rules = rules;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.put(PATH, this::set);
        routes.delete(PATH, this::clear);
    }

    private void show(Context ctx) {
        ctx.json(rules.show(access.forTenant(ctx), ctx.pathParam("t")));
    }

    private void set(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        ctx.json(rules.set(caller, ctx.pathParam("t"), body.document(), Origin.api(ctx.ip())));
    }

    private void clear(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        rules.clear(caller, tenant, Origin.api(ctx.ip()));
        ctx.json(rules.show(caller, tenant));
    }
}
