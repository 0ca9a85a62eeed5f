package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.fleet.FleetFilter;
import io.enginex.edge.server.fleet.SignedInUsers;
import io.enginex.edge.server.http.ApiViews.AgentView;
import io.enginex.edge.server.http.ApiViews.ConnectionPage;
import io.enginex.edge.server.http.ApiViews.ConnectionView;
import io.enginex.edge.server.http.ApiViews.MachineView;
import io.enginex.edge.server.http.ApiViews.PauseView;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentQuery;
import io.enginex.edge.server.store.ConnectionRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Agents of a tenant: {@code /api/v1/tenants/{t}/agents}, their state and connection history, over
 * {@link Agents}.
 */
final class AgentRoutes {
    private final Agents agents;
    private final AgentStates states;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    AgentRoutes(Agents agents, AgentStates states, ApiAccess access, ObjectMapper mapper) {
        this.agents = agents;
        this.states = states;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/agents", this::list);
        routes.get("/api/v1/tenants/{t}/agents/{id}", this::get);
        routes.get("/api/v1/tenants/{t}/agents/{id}/connections", this::connections);
        routes.post("/api/v1/tenants/{t}/agents/{id}/revoke", this::revoke);
        routes.put("/api/v1/tenants/{t}/agents/{id}/labels", this::setLabels);
        routes.post("/api/v1/tenants/{t}/agents/{id}/archive", this::archive);
    }

    /**
     * Every agent, archived ones included, as before paging existed; or, when any {@link
     * FleetFilter#PARAMS} is given, one page of the agents that are not archived, filtered and sorted
     * as the fleet page does, with {@code X-Total-Count} (all matching) and a {@code Link: <…>;
     * rel="next"} while more pages follow.
     */
    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        if (FleetFilter.PARAMS.stream().noneMatch(p -> ctx.queryParam(p) != null)) {
            ctx.json(agents.list(caller, tenant).stream().map(this::view).toList());
            return;
        }
        FleetFilter filter = FleetFilter.parse(ctx::queryParam);
        AgentQuery.Page page = agents.page(caller, tenant, filter.toQuery(states.connected(tenant)));
        ctx.header("X-Total-Count", Integer.toString(page.total()));
        if (filter.offset() + page.rows().size() < page.total()) {
            String next = filter.withPage(filter.page() + 1).url("/api/v1/tenants/" + tenant + "/agents");
            ctx.header("Link", "<" + next + ">; rel=\"next\"");
        }
        // the page's rows carry no tools; the API shows each agent whole
        ctx.json(page.rows().stream()
                .map(a -> view(agents.find(caller, tenant, a.id())))
                .toList());
    }

    private void get(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(view(agents.find(caller, ctx.pathParam("t"), ctx.pathParam("id"))));
    }

    private void connections(Context ctx) {
        Caller caller = access.forTenant(ctx);
        int limit = 50;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                throw new HubException.BadRequest(
                        "limit must be 1-" + Agents.MAX_CONNECTIONS_PAGE + "; got " + limitText);
            }
        }
        List<ConnectionRecord> rows =
                agents.connections(caller, ctx.pathParam("t"), ctx.pathParam("id"), ctx.queryParam("before"), limit);
        boolean more = rows.size() > limit;
        List<ConnectionRecord> page = more ? rows.subList(0, limit) : rows;
        ctx.json(new ConnectionPage(
                page.stream().map(ConnectionView::of).toList(),
                more ? page.get(page.size() - 1).id() : null));
    }

    private void revoke(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(view(agents.revoke(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()))));
    }

    private void setLabels(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireWrite(); // before the body is read: a viewer learns nothing from a 400
        JsonBody body = JsonBody.read(ctx, mapper);
        if (body.raw("labels") == null) {
            throw new HubException.BadRequest(
                    "send the agent's new labels as {\"labels\": [\"finance\", \"eu\"]} ([] removes them all)");
        }
        ctx.json(view(agents.setLabels(
                caller, ctx.pathParam("t"), ctx.pathParam("id"), body.textList("labels"), Origin.api(ctx.ip()))));
    }

    private void archive(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(view(agents.archive(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()))
                .agent()));
    }

    private AgentView view(Agent agent) {
        Agents.Facts facts = agents.facts(agent);
        MachineView machine = facts.machine() == null
                ? null
                : new MachineView(
                        facts.machine().machineId(),
                        facts.machine().replacedBy(),
                        facts.machine().sameMachine());
        PauseView pause = facts.pause() == null
                ? null
                : new PauseView(
                        facts.pause().by(), facts.pause().since(), facts.pause().reportedAt());
        return AgentView.of(
                agent,
                states.of(agent.tenantId(), agent.id()),
                facts.deregisteredAt(),
                pause,
                machine,
                facts.effectivePolicy(),
                facts.update(),
                facts.archivedAt(),
                SignedInUsers.of(facts.sessions(), states, agent.tenantId(), agent.id()),
                mapper);
    }
}
