package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import io.enginex.edge.server.store.Stores;
import io.enginex.edge.server.store.UserStore;
import io.enginex.edge.server.vault.SecretApprovals;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/**
 * Jobs held for a person's approval. {@code GET /ui/approvals} lists the tenant's jobs awaiting
 * approval, each with its evidence (exact arguments, target machine, who asked, the policy rule that
 * held it), live; {@code GET /ui/approvals/{id}} shows one with the approve and deny forms and then
 * follows the job live until it ends; {@code POST /ui/approvals/{id}/approve|deny} (operators, with a
 * reason, required to deny) decide it through {@link Jobs} and are audited as the API's
 * decisions are. An approved job is sent to its agent at once; a denied one ends cancelled with the
 * reason and never leaves the hub.
 */
public final class ApprovalPages implements PageGroup {
    static final int LIST_LIMIT = 100;

    private final JobStore jobs;
    private final io.enginex.edge.server.store.GraphApprovalStore graphApprovals;
    private final AgentStore agents;
    private final SessionStore sessions;
    private final UserStore users;
    private final Jobs jobService;
    private final ObjectMapper mapper;
    private final Policies policies;
    private final SecretApprovals secretApprovals;

    ApprovalPages(Jobs jobService, Policies policies, Stores stores, ObjectMapper mapper) {
        this.jobs = stores.jobs();
        this.agents = stores.agents();
        this.sessions = stores.sessions();
        this.users = stores.users();
        this.graphApprovals = stores.graphApprovals();
        this.jobService = jobService;
        this.mapper = mapper;
        this.policies = policies;
        this.secretApprovals = new SecretApprovals(stores.vault());
    }

    /** The list page's model. */
    public record ApprovalsView(Page page, Pending pending) {}

    /**
     * The live part of the list: the jobs awaiting approval, oldest deadline first, and the graph steps
     * waiting for approval, newest first.
     */
    public record Pending(
            List<ApprovalEvidence> jobs,
            boolean canDecide,
            List<io.enginex.edge.server.store.GraphApprovalRecord> graphSteps) {}

    /** One job's page: its evidence, whether the forms show, and its live state. */
    public record ApprovalView(Page page, ApprovalEvidence evidence, boolean canDecide, JobCard card) {}

    @Override
    public void register(Pages pages) {
        pages.get(
                "/ui/approvals",
                Role.VIEWER,
                (ctx, viewer) -> pages.render(
                        ctx,
                        "approvals.jte",
                        new ApprovalsView(pages.page("Approvals", viewer, "approvals"), pending(viewer))));
        pages.live(
                "/ui/approvals/live",
                Role.VIEWER,
                "approvals",
                (ctx, viewer) -> () -> pages.fragment("approvals/list.jte", pending(viewer)));
        pages.get("/ui/approvals/{id}", Role.VIEWER, (ctx, viewer) -> {
            Job job = find(viewer, ctx.pathParam("id"));
            Page page = pages.page("Approval of " + job.tool(), viewer, "approvals");
            if (ctx.queryParam("already") != null) {
                page = page.withFlash(
                        "Not changed: this job is " + job.state().wire().replace('_', ' ')
                                + (job.approval() == null
                                        ? " and never needed approval."
                                        : job.approval().at() == null
                                                ? "."
                                                : "; it was " + job.approval().state() + " already."));
            } else if (ctx.queryParam("decided") != null) {
                page = page.withFlash(
                        job.approval() != null && job.approval().approved()
                                ? "Approved: the job was sent to its agent."
                                : "Denied: the job ended and was never sent.");
            }
            pages.render(
                    ctx,
                    "approval.jte",
                    new ApprovalView(
                            page,
                            evidence(viewer, job),
                            viewer.can(Role.OPERATOR) && job.state() == JobState.AWAITING_APPROVAL,
                            card(job)));
        });
        pages.live("/ui/approvals/{id}/live", Role.VIEWER, "job", (ctx, viewer) -> {
            String id = ctx.pathParam("id");
            find(viewer, id);
            return () -> pages.fragment("approvals/status.jte", card(find(viewer, id)));
        });
        pages.post("/ui/approvals/{id}/approve", Role.OPERATOR, (ctx, viewer) -> decide(pages, ctx, viewer, true));
        pages.post("/ui/approvals/{id}/deny", Role.OPERATOR, (ctx, viewer) -> decide(pages, ctx, viewer, false));
    }

    private void decide(Pages pages, Context ctx, Viewer viewer, boolean approve) {
        Job held = find(viewer, ctx.pathParam("id"));
        if (held.state() != JobState.AWAITING_APPROVAL) {
            // Someone else decided first, or it timed out: show what became of it rather than an error.
            Pages.redirect(ctx, "/ui/approvals/" + held.id() + "?already");
            return;
        }
        String reason = ctx.formParam("reason");
        reason = reason == null ? "" : reason.strip();
        // A form rule, not the service's: the API may deny without a reason, a person here may not.
        if (!approve && reason.isEmpty()) {
            throw new HubException.BadRequest(
                    "say why you deny this job: the reason is recorded with it and shown to whoever asked for it");
        }
        Job job;
        try {
            job = jobService.decide(
                    viewer.caller(), viewer.tenantId(), held.id(), approve, reason, Origin.dashboard(ctx.ip()));
        } catch (HubException.Conflict e) {
            Pages.redirect(ctx, "/ui/approvals/" + held.id() + "?already"); // decided a moment earlier
            return;
        }
        Pages.redirect(ctx, "/ui/approvals/" + job.id() + "?decided");
    }

    private Pending pending(Viewer viewer) {
        List<ApprovalEvidence> list =
                jobs.listByState(viewer.tenantId(), JobState.AWAITING_APPROVAL, LIST_LIMIT).stream()
                        .sorted(java.util.Comparator.comparing(Job::deadline).thenComparing(Job::id))
                        .map(j -> evidence(viewer, j))
                        .toList();
        return new Pending(
                list,
                viewer.can(Role.OPERATOR),
                graphApprovals.list(
                        viewer.tenantId(), io.enginex.edge.server.store.GraphApprovalRecord.WAITING, null, LIST_LIMIT));
    }

    private ApprovalEvidence evidence(Viewer viewer, Job job) {
        Agent agent = agents.find(viewer.tenantId(), job.agentId()).orElse(null);
        Optional<Session> session =
                job.sessionId() == null ? Optional.empty() : sessions.find(viewer.tenantId(), job.sessionId());
        String requestedBy =
                session.map(s -> requester(viewer.tenantId(), s.createdBy())).orElse("–");
        Optional<String> tenantRule =
                agent == null ? Optional.empty() : policies.approvalRequiredBy(agent, job.tool(), job.args());
        Optional<String> secretRule = agent == null ? Optional.empty() : secretApprovals.requiredBy(agent, job.args());
        return ApprovalEvidence.of(
                job, agent, requestedBy, session.map(Session::name).orElse(null), tenantRule, secretRule, mapper);
    }

    /** A user id as its email; an API key id as it is. */
    private String requester(String tenant, String actorId) {
        if (actorId == null) {
            return "–";
        }
        return actorId.startsWith("usr_")
                ? users.find(tenant, actorId).map(u -> u.email()).orElse(actorId)
                : "API key " + actorId;
    }

    private JobCard card(Job job) {
        String host =
                agents.find(job.tenantId(), job.agentId()).map(Agent::hostname).orElse(job.agentId());
        return JobCard.of(job, host, mapper);
    }

    private Job find(Viewer viewer, String id) {
        return jobs.find(viewer.tenantId(), id)
                .orElseThrow(() -> new HubException.NotFound(
                        "job_not_found", "your tenant has no job " + id + "; pick one on the approvals page"));
    }
}
