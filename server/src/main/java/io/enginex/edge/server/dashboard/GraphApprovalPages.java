package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.graph.GraphApprovals;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.store.GraphApprovalRecord;
import io.javalin.http.Context;

/**
 * Graph steps that wait for approval, beside the jobs on {@code /ui/approvals} (which lists the waiting
 * ones): {@code GET /ui/graph-approvals/{id}} shows one step with what it would run (graph, version, step,
 * tool and arguments as the agent would run them, secrets redacted; device and arrival times) and, for
 * operators while it waits, the Approve and Deny forms; then the decision and the agent's answer. {@code
 * POST /ui/graph-approvals/{id}/approve|deny} decide through {@link GraphApprovals}, audited as the API's
 * decisions are; a reason is required to deny. {@code GET /ui/graph-approvals/{id}/live} streams the decision
 * and the agent's answer as they change.
 */
public final class GraphApprovalPages implements PageGroup {
    private final GraphApprovals approvals;
    private final IdempotentCreates creates;
    private final ObjectMapper mapper;

    GraphApprovalPages(GraphApprovals approvals, IdempotentCreates creates, ObjectMapper mapper) {
        this.approvals = approvals;
        this.creates = creates;
        this.mapper = mapper;
    }

    /** One step's page: the approval, its arguments as indented JSON, and whether the forms show. */
    public record GraphApprovalView(Page page, GraphApprovalRecord approval, String args, boolean canDecide) {
        /** The decision in words, or null while waiting. */
        public String decision() {
            return approval.approved() == null ? null : approval.approved() ? "approved" : "denied";
        }
    }

    @Override
    public void register(Pages pages) {
        pages.get("/ui/graph-approvals/{id}", Role.VIEWER, (ctx, viewer) -> {
            GraphApprovalRecord a = approvals.find(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"));
            Page page = pages.page("Approval of step " + a.stepId(), viewer, "approvals");
            if (ctx.queryParam("already") != null) {
                page = page.withFlash("Not changed: this step was already "
                        + (Boolean.TRUE.equals(a.approved()) ? "approved" : "denied") + " by " + a.decidedBy() + ".");
            } else if (ctx.queryParam("decided") != null) {
                page = page.withFlash(
                        Boolean.TRUE.equals(a.approved())
                                ? "Approved: the decision goes to the agent, which runs the step."
                                : "Denied: the decision goes to the agent, which fails the step.");
            }
            String args = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(approvals.args(a));
            pages.render(
                    ctx,
                    "graph-approval.jte",
                    new GraphApprovalView(
                            page,
                            a,
                            args,
                            viewer.can(Role.OPERATOR) && a.state().equals(GraphApprovalRecord.WAITING)));
        });
        pages.live("/ui/graph-approvals/{id}/live", Role.VIEWER, "graph-approval", (ctx, viewer) -> {
            String id = ctx.pathParam("id");
            approvals.find(viewer.caller(), viewer.tenantId(), id);
            return () -> pages.fragment("approvals/step.jte", approvals.find(viewer.caller(), viewer.tenantId(), id));
        });
        pages.post("/ui/graph-approvals/{id}/approve", Role.OPERATOR, (ctx, viewer) -> decide(ctx, viewer, true));
        pages.post("/ui/graph-approvals/{id}/deny", Role.OPERATOR, (ctx, viewer) -> decide(ctx, viewer, false));
    }

    private void decide(Context ctx, Viewer viewer, boolean approve) {
        // Found first: another tenant's approval is a 404 whatever the form says.
        String id = approvals
                .find(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"))
                .id();
        String reason = ctx.formParam("reason");
        reason = reason == null ? "" : reason.strip();
        // A form rule, not the service's: the API may deny without a reason, a person here may not.
        if (!approve && reason.isEmpty()) {
            throw new HubException.BadRequest(
                    "say why you deny this step: the reason is recorded with it and shown on the run");
        }
        try {
            creates.once(approvals.decide(
                    viewer.caller(), viewer.tenantId(), id, approve, reason, Origin.dashboard(ctx.ip()), a -> null));
        } catch (HubException.Conflict e) {
            Pages.redirect(ctx, "/ui/graph-approvals/" + id + "?already"); // decided a moment earlier
            return;
        }
        Pages.redirect(ctx, "/ui/graph-approvals/" + id + "?decided");
    }
}
