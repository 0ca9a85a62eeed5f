package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.http.ApiViews.AgentView;
import io.enginex.edge.server.http.ApiViews.ConnectionPage;
import io.enginex.edge.server.http.ApiViews.ConnectionView;
import io.enginex.edge.server.http.ApiViews.MachineView;
import io.enginex.edge.server.http.ApiViews.PauseView;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.ConnectionHistoryStore;
import io.enginex.edge.server.store.ConnectionRecord;
import io.enginex.edge.server.store.MachineStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agents of a tenant: {@code /api/v1/tenants/{t}/agents}, their state and connection history. */
final class AgentRoutes {
    private static final Logger log = LoggerFactory.getLogger(AgentRoutes.class);
    private static final int MAX_LIMIT = 500;

    private final AgentStore agents;
    private final MachineStore machines;
    private final ConnectionHistoryStore connections;
    private final ConnectionRegistry registry;
    private final AgentStates states;
    private final ApiAccess access;
    private final Audit audit;
    private final Clock clock;
    private final ObjectMapper mapper;

    AgentRoutes(
            AgentStore agents,
            MachineStore machines,
            ConnectionHistoryStore connections,
            ConnectionRegistry registry,
            AgentStates states,
            ApiAccess access,
            Audit audit,
            Clock clock,
            ObjectMapper mapper) {
        this.agents = agents;
        this.machines = machines;
        this.connections = connections;
        this.registry = registry;
        this.states = states;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/agents", this::list);
        routes.get("/api/v1/tenants/{t}/agents/{id}", this::get);
        routes.get("/api/v1/tenants/{t}/agents/{id}/connections", this::connections);
        routes.post("/api/v1/tenants/{t}/agents/{id}/revoke", this::revoke);
    }

    private void list(Context ctx) {
        access.forTenant(ctx);
        ctx.json(agents.list(ctx.pathParam("t")).stream().map(this::view).toList());
    }

    private void get(Context ctx) {
        access.forTenant(ctx);
        ctx.json(view(find(ctx.pathParam("t"), ctx.pathParam("id"))));
    }

    private void connections(Context ctx) {
        access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        Agent agent = find(tenant, ctx.pathParam("id"));
        int limit = 50;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new HubException.BadRequest("limit must be 1-" + MAX_LIMIT + "; got " + limitText);
            }
        }
        List<ConnectionRecord> rows = connections.list(tenant, agent.id(), ctx.queryParam("before"), limit + 1);
        boolean more = rows.size() > limit;
        List<ConnectionRecord> page = more ? rows.subList(0, limit) : rows;
        ctx.json(new ConnectionPage(
                page.stream().map(ConnectionView::of).toList(),
                more ? page.get(page.size() - 1).id() : null));
    }

    private void revoke(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        String id = ctx.pathParam("id");
        find(tenant, id);
        boolean now = agents.revoke(tenant, id, clock.instant());
        // Close even if it was revoked before: a socket must never outlive its revocation.
        int closed = registry.closeAgent(tenant, id, Protocol.CLOSE_REVOKED, "agent revoked");
        if (now) {
            audit.record(
                    tenant,
                    AuditType.AGENT_REVOKED,
                    Actor.of(caller),
                    ctx.ip(),
                    new Audit.Target("agent", id),
                    Audit.Outcome.SUCCESS,
                    Map.of("socketsClosed", closed));
            log.atInfo()
                    .addKeyValue("agentId", id)
                    .addKeyValue("tenant", tenant)
                    .addKeyValue("socketsClosed", closed)
                    .log("agent revoked");
        }
        ctx.json(view(find(tenant, id)));
    }

    private Agent find(String tenant, String id) {
        return agents.find(tenant, id)
                .orElseThrow(
                        () -> new HubException.NotFound("agent_not_found", "tenant " + tenant + " has no agent " + id));
    }

    private AgentView view(Agent agent) {
        MachineView machine = machines.find(agent.tenantId(), agent.id())
                .map(m -> new MachineView(m.machineId(), m.replacedBy(), m.sameMachine()))
                .orElse(null);
        return AgentView.of(
                agent,
                states.of(agent.tenantId(), agent.id()),
                agents.findDeregistered(agent.tenantId(), agent.id()).orElse(null),
                agents.findPause(agent.tenantId(), agent.id())
                        .map(p -> new PauseView(p.by(), p.since(), p.reportedAt()))
                        .orElse(null),
                machine,
                agents.effectivePolicy(agent.tenantId(), agent.id()).orElse(null),
                mapper);
    }
}
