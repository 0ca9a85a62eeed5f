package io.enginex.edge.server.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.GraphApproval;
import io.enginex.edge.protocol.GraphDecisionOutcome;
import io.enginex.edge.protocol.GraphLocalDecision;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.store.GraphApprovalRecord;
import io.enginex.edge.server.store.GraphApprovalStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approval steps of graph runs on the hub: agents tell the hub which steps wait ({@link #requested}), every
 * role of the tenant reads them, operators and up decide them ({@link #decide}: audited {@code
 * graph-step.approved} or {@code graph-step.denied} with who, when and why), the decision goes to the
 * agent ({@link GraphDecisionDeliveries}) and the agent's answer is recorded ({@link #answered}). A step
 * is decided once on the hub: the first decision wins, a later one is {@code 409
 * graph_approval_not_waiting} naming who decided. Thread-safe.
 */
public final class GraphApprovals {
    private static final Logger log = LoggerFactory.getLogger(GraphApprovals.class);

    /** The longest reason for a decision. */
    public static final int MAX_REASON = 1000;

    /** The most characters of a step's arguments kept; bigger ones are replaced by a note with their size. */
    static final int MAX_ARGS_CHARS = 64 * 1024;

    /** The most approvals one list shows. */
    public static final int MAX_LISTED = 200;

    private static final Set<String> STATES = Set.of(
            GraphApprovalRecord.WAITING,
            GraphApprovalRecord.DECIDED,
            GraphApprovalRecord.SENT,
            GraphApprovalRecord.ANSWERED);

    private final GraphApprovalStore store;
    private final GraphDecisionDeliveries deliveries;
    private final Audit audit;
    private final TenantGuard guard;
    private final LiveViews live;
    private final IdGenerator ids;
    private final Clock clock;
    private final Executor senders;
    private final ObjectMapper mapper;

    /** @param senders sends a decision once it is stored and audited */
    public GraphApprovals(
            GraphApprovalStore store,
            GraphDecisionDeliveries deliveries,
            Audit audit,
            TenantGuard guard,
            LiveViews live,
            IdGenerator ids,
            Clock clock,
            Executor senders,
            ObjectMapper mapper) {
        this.store = store;
        this.deliveries = deliveries;
        this.audit = audit;
        this.guard = guard;
        this.live = live;
        this.ids = ids;
        this.clock = clock;
        this.senders = senders;
        this.mapper = mapper;
    }

    /**
     * The agent of the connection says a step waits: stored once per agent, run and step (the tenant and
     * the agent come from the connection, never from the frame).
     */
    public void requested(String tenantId, String agentId, GraphApproval frame) {
        String args = frame.args().toString();
        if (args.length() > MAX_ARGS_CHARS) {
            args = mapper.createObjectNode()
                    .put("truncated", true)
                    .put("chars", args.length())
                    .toString();
        }
        boolean added = store.insertIfAbsent(GraphApprovalRecord.waiting(
                ids.next("gap"),
                tenantId,
                agentId,
                cut(frame.runId(), 80),
                cut(frame.step(), 64),
                frame.graphId() == null ? null : cut(frame.graphId(), 64),
                cut(frame.graph(), 64),
                frame.version(),
                cut(frame.tool(), 200),
                args,
                cut(frame.reason(), 1000),
                frame.requestedAt(),
                clock.instant()));
        if (added) {
            log.atInfo()
                    .addKeyValue("agentId", agentId)
                    .addKeyValue("runId", frame.runId())
                    .addKeyValue("step", frame.step())
                    .log("a graph step waits for approval");
            live.changed(tenantId);
        }
    }

    /** The agent of the connection answered a decision; a repeated answer changes nothing. */
    public void answered(String tenantId, String agentId, GraphDecisionOutcome frame) {
        boolean recorded = store.answer(
                tenantId, agentId, frame.decisionId(), frame.outcome(), cut(frame.message(), 1000), clock.instant());
        log.atInfo()
                .addKeyValue("agentId", agentId)
                .addKeyValue("approvalId", frame.decisionId())
                .addKeyValue("outcome", frame.outcome())
                .log(
                        recorded
                                ? "the agent answered a graph step decision"
                                : "a repeated answer to a graph step decision");
        if (recorded) {
            live.changed(tenantId);
        }
    }

    /**
     * The agent of the connection says a step was decided at the machine: its approval, if it still waits on
     * the hub, is marked decided there (who, when on the device) and audited once; a repeated frame, or a step
     * the hub decided first or never saw waiting, changes nothing.
     */
    public void decidedOnMachine(String tenantId, String agentId, GraphLocalDecision frame) {
        String by = cut(frame.by(), 200);
        String reason = frame.reason().isBlank() ? null : cut(frame.reason(), 1000);
        Optional<String> marked = store.decidedOnMachine(
                tenantId,
                agentId,
                cut(frame.runId(), 80),
                cut(frame.step(), 64),
                frame.approved(),
                by,
                reason,
                frame.decidedAt(),
                clock.instant());
        if (marked.isEmpty()) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("runId", frame.runId());
        details.put("step", frame.step());
        details.put("approved", frame.approved());
        details.put("by", by);
        details.put("decidedAt", frame.decidedAt().toString());
        if (reason != null) {
            details.put("reason", reason);
        }
        audit.record(
                tenantId,
                AuditType.GRAPH_STEP_LOCAL_DECISION_RECORDED,
                Actor.agent(agentId),
                null,
                new Audit.Target("graph-approval", marked.get()),
                Audit.Outcome.SUCCESS,
                details);
        log.atInfo()
                .addKeyValue("agentId", agentId)
                .addKeyValue("runId", frame.runId())
                .addKeyValue("step", frame.step())
                .log("a graph step that waited on the hub was decided at the machine");
        live.changed(tenantId);
    }

    /**
     * The tenant's approvals, waiting ones first, then newest first.
     *
     * @param state one state, or null for all
     * @param runId one run's, or null for all
     * @throws HubException.BadRequest {@code invalid_state}
     */
    public List<GraphApprovalRecord> list(Caller caller, String tenant, String state, String runId) {
        guard.check(caller, tenant);
        if (state != null && !STATES.contains(state)) {
            throw new HubException.BadRequest(
                    "invalid_state", "state must be one of waiting, decided, sent or answered, not \"" + state + "\"");
        }
        return store.list(tenant, state, runId, MAX_LISTED);
    }

    /** @throws HubException.NotFound {@code graph_approval_not_found} */
    public GraphApprovalRecord find(Caller caller, String tenant, String id) {
        guard.check(caller, tenant);
        return approval(tenant, id);
    }

    /**
     * Approves or denies a waiting step, audited {@code graph-step.approved} or {@code graph-step.denied};
     * the decision is then sent to the agent (now, or after its next hello). Operators and up. A retry with
     * the same key answers the first decision and sends it again only if it is still not sent.
     *
     * @param reason why, or null/blank for none; at most {@link #MAX_REASON} characters
     * @throws HubException.NotFound {@code graph_approval_not_found}
     * @throws HubException.BadRequest {@code invalid_reason}
     * @throws HubException.Conflict {@code graph_approval_not_waiting} when decided already
     */
    public Creation<GraphApprovalRecord> decide(
            Caller caller,
            String tenant,
            String id,
            boolean approve,
            String reason,
            Origin origin,
            Function<GraphApprovalRecord, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && why.length() > MAX_REASON) {
            throw new HubException.BadRequest(
                    "invalid_reason", "the reason must be at most " + MAX_REASON + " characters; shorten it");
        }
        return Creation.<GraphApprovalRecord, GraphApprovalRecord>preparedBy(
                        () -> waiting(approval(tenant, id)),
                        held -> {
                            if (!store.decide(tenant, id, approve, caller.actorId(), why, clock.instant())) {
                                throw notWaiting(approval(tenant, id));
                            }
                            Map<String, Object> details = new LinkedHashMap<>();
                            details.put("agentId", held.agentId());
                            details.put("runId", held.runId());
                            details.put("step", held.stepId());
                            details.put("graph", held.graphName());
                            details.put("tool", held.tool());
                            if (why != null) {
                                details.put("reason", why);
                            }
                            audit.record(
                                    tenant,
                                    approve ? AuditType.GRAPH_STEP_APPROVED : AuditType.GRAPH_STEP_DENIED,
                                    Actor.of(caller),
                                    origin.sourceIp(),
                                    new Audit.Target("graph-approval", id),
                                    Audit.Outcome.SUCCESS,
                                    origin.tag(details));
                            return approval(tenant, id);
                        },
                        answer,
                        decided -> {
                            live.changed(tenant);
                            senders.execute(() -> deliveries.offer(tenant, decided.agentId(), decided.id()));
                            return decided;
                        })
                .resumedBy(approvalId -> store.find(tenant, approvalId)
                        .filter(a -> a.state().equals(GraphApprovalRecord.DECIDED))
                        .ifPresent(a -> senders.execute(() -> deliveries.offer(tenant, a.agentId(), a.id()))));
    }

    /** The step's arguments as stored (JSON). */
    public JsonNode args(GraphApprovalRecord a) {
        try {
            return mapper.readTree(a.args());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("graph approval " + a.id() + " has arguments that are not JSON", e);
        }
    }

    private GraphApprovalRecord waiting(GraphApprovalRecord a) {
        if (!a.state().equals(GraphApprovalRecord.WAITING)) {
            throw notWaiting(a);
        }
        return a;
    }

    private static HubException notWaiting(GraphApprovalRecord a) {
        return new HubException.Conflict(
                "graph_approval_not_waiting",
                "step " + a.stepId() + " of run " + a.runId() + " was already "
                        + (Boolean.TRUE.equals(a.approved()) ? "approved" : "denied") + " by " + a.decidedBy() + " at "
                        + a.decidedAt()
                        + "; the first decision counts (see it with GET .../graph-approvals/" + a.id() + ")");
    }

    private GraphApprovalRecord approval(String tenant, String id) {
        return store.find(tenant, id)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_approval_not_found",
                        "tenant " + tenant + " has no graph approval " + id
                                + "; list them with engine graphs approvals --tenant " + tenant));
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
