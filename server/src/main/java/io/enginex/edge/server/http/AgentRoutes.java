package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.http.ApiViews.AgentView;
import io.enginex.edge.server.http.ApiViews.MachineView;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.MachineStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Agents of a tenant: {@code /api/v1/tenants/{t}/agents}. */
final class AgentRoutes {
    private static final Logger log = LoggerFactory.getLogger(AgentRoutes.class);

    private final AgentStore agents;
    private final MachineStore machines;
    private final ConnectionRegistry registry;
    private final ApiAccess access;
    private final Audit audit;
    private final Clock clock;
    private final ObjectMapper mapper;

    AgentRoutes(
            AgentStore agents,
            MachineStore machines,
            ConnectionRegistry registry,
            ApiAccess access,
            Audit audit,
            Clock clock,
            ObjectMapper mapper) {
        this.agents = agents;
        this.machines = machines;
        this.registry = registry;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/agents", this::list);
        routes.get("/api/v1/tenants/{t}/agents/{id}", this::get);
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
        Optional<AgentConnection> live = registry.find(agent.tenantId(), agent.id());
        MachineView machine = machines.find(agent.tenantId(), agent.id())
                .map(m -> new MachineView(m.machineId(), m.replacedBy(), m.sameMachine()))
                .orElse(null);
        return AgentView.of(
                agent,
                live.isPresent(),
                live.map(AgentConnection::lastProgressAt).orElse(null),
                machine,
                mapper);
    }
}
