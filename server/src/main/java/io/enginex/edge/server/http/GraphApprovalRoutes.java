package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.graph.GraphApprovals;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.store.GraphApprovalRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * Approval steps of graph runs: {@code /api/v1/tenants/{t}/graph-approvals}, over {@link GraphApprovals}.
 * Every role of the tenant reads them; operators and up approve or deny (each decision takes an {@code
 * Idempotency-Key}).
 */
final class GraphApprovalRoutes {
    private final GraphApprovals approvals;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    GraphApprovalRoutes(GraphApprovals approvals, ApiAccess access, ObjectMapper mapper, IdempotentResponder creates) {
        this.approvals = approvals;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    /**
     * An approval: what the agent said (the device's {@code requestedAt}, the hub's {@code arrivedAt}), the
     * decision ({@code approved} null while waiting) and the agent's answer ({@code outcome}).
     */
    record ApprovalView(
            String id,
            String agentId,
            String runId,
            String step,
            String graphId,
            String graph,
            Integer version,
            String tool,
            JsonNode args,
            String reason,
            Instant requestedAt,
            Instant arrivedAt,
            String state,
            Boolean approved,
            String decidedBy,
            Instant decidedAt,
            String decisionReason,
            Instant sentAt,
            String outcome,
            String outcomeMessage,
            Instant answeredAt) {
        static ApprovalView of(GraphApprovalRecord a, JsonNode args) {
            return new ApprovalView(
                    a.id(),
                    a.agentId(),
                    a.runId(),
                    a.stepId(),
                    a.graphId(),
                    a.graphName(),
                    a.graphVersion(),
                    a.tool(),
                    args,
                    a.reason(),
                    a.requestedAt(),
                    a.arrivedAt(),
                    a.state(),
                    a.approved(),
                    a.decidedBy(),
                    a.decidedAt(),
                    a.decisionReason(),
                    a.sentAt(),
                    a.outcome(),
                    a.outcomeMessage(),
                    a.answeredAt());
        }
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/graph-approvals", this::list);
        routes.get("/api/v1/tenants/{t}/graph-approvals/{id}", this::show);
        routes.post("/api/v1/tenants/{t}/graph-approvals/{id}/approve", ctx -> decide(ctx, true), ApiTrait.IDEMPOTENT);
        routes.post("/api/v1/tenants/{t}/graph-approvals/{id}/deny", ctx -> decide(ctx, false), ApiTrait.IDEMPOTENT);
    }

    /** {@code ?state=waiting} keeps one state, {@code ?runId=} one run's. */
    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(approvals.list(caller, ctx.pathParam("t"), ctx.queryParam("state"), ctx.queryParam("runId")).stream()
                .map(this::view)
                .toList());
    }

    private void show(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(view(approvals.find(caller, ctx.pathParam("t"), ctx.pathParam("id"))));
    }

    private void decide(Context ctx, boolean approve) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.OPERATOR); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        var decision = approvals.decide(
                caller,
                ctx.pathParam("t"),
                ctx.pathParam("id"),
                approve,
                body.text("reason", null),
                Origin.api(ctx.ip()),
                decided -> answer(decided));
        creates.respond(ctx, caller, decision);
    }

    private Answer answer(GraphApprovalRecord decided) {
        try {
            return Answer.of(200, decided.id(), mapper.writeValueAsString(view(decided)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer for " + decided.id(), e);
        }
    }

    private ApprovalView view(GraphApprovalRecord a) {
        return ApprovalView.of(a, approvals.args(a));
    }
}
