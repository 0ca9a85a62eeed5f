package io.enginex.edge.server.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.GraphRecord;
import io.enginex.edge.server.store.GraphRunRecord;
import io.enginex.edge.server.store.GraphRunStepRecord;
import io.enginex.edge.server.store.GraphRunStore;
import io.enginex.edge.server.store.GraphStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of graphs agents upload ({@code graphRuns} frames, docs/GRAPHS.md "Sync on reconnect"), and
 * reading them back for every role of the tenant. A run is stored once by its id and a step record once
 * by its id, under the tenant and agent of the connection it came on (never what a frame says); a
 * duplicate changes nothing and is acknowledged again. A run of a graph changed or withdrawn while the
 * agent was offline is stored all the same, with the version it ran and its {@link #standing}.
 * Thread-safe.
 */
public final class GraphRunLog {
    private static final Logger log = LoggerFactory.getLogger(GraphRunLog.class);

    /** The most runs one list answer holds. */
    public static final int LIST_LIMIT = 500;

    private final GraphRunStore runs;
    private final GraphStore graphs;
    private final TenantGuard guard;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final io.enginex.edge.server.audit.Audit audit;
    private final io.enginex.edge.server.store.Transactions tx;

    /** For reading runs: an upload's audit records are acknowledged but not recorded. */
    public GraphRunLog(GraphRunStore runs, GraphStore graphs, TenantGuard guard, Clock clock, ObjectMapper mapper) {
        this(runs, graphs, guard, clock, mapper, null, null);
    }

    /**
     * @param audit records the audit records an upload carries, each once, in a transaction of {@code tx}
     *     with the note that it arrived
     */
    public GraphRunLog(
            GraphRunStore runs,
            GraphStore graphs,
            TenantGuard guard,
            Clock clock,
            ObjectMapper mapper,
            io.enginex.edge.server.audit.Audit audit,
            io.enginex.edge.server.store.Transactions tx) {
        this.audit = audit;
        this.tx = tx;
        this.runs = runs;
        this.graphs = graphs;
        this.guard = guard;
        this.clock = clock;
        this.mapper = mapper;
    }

    /** A run and its step records. */
    public record Run(GraphRunRecord run, List<GraphRunStepRecord> steps) {}

    /**
     * Stores what an agent of {@code tenantId} uploaded and answers which runs and step records are
     * stored. Throws when the database fails (the router answers {@code unavailable}; the agent sends
     * the frame again on its next connection).
     */
    public GraphRunsAck receive(String tenantId, String agentId, GraphRuns frame, String ackId) {
        Instant now = clock.instant();
        List<String> stored = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (GraphRuns.Run r : frame.runs()) {
            List<GraphRunStepRecord> rows = r.steps().stream()
                    .map(s -> new GraphRunStepRecord(
                            s.id(),
                            r.runId(),
                            tenantId,
                            s.step(),
                            s.state(),
                            s.attempts(),
                            s.error() == null ? null : s.error().code(),
                            s.error() == null ? null : s.error().message(),
                            s.reason(),
                            text(s.output()),
                            s.outputTruncated(),
                            s.outputPreview(),
                            s.outputBytes(),
                            s.outputSha256(),
                            s.settledAt(),
                            now,
                            s.hasOutputFile(),
                            0,
                            false,
                            text(io.enginex.edge.server.dispatch.Dispatcher.consent(s.consent()))))
                    .toList();
            GraphRunRecord run = new GraphRunRecord(
                    r.runId(),
                    tenantId,
                    agentId,
                    r.graph(),
                    r.graphId(),
                    r.graphVersion(),
                    standing(tenantId, r.graphId(), r.graphVersion()),
                    r.status(),
                    text(r.input()),
                    r.startedAt(),
                    r.endedAt(),
                    now,
                    null);
            boolean ours = audit == null
                    ? runs.store(run, rows)
                    : tx.inTransaction(() -> runs.store(run, rows, step -> audited(tenantId, agentId, step)));
            if (ours) {
                stored.add(r.runId());
                rows.forEach(s -> steps.add(s.id()));
            } else {
                log.atWarn()
                        .addKeyValue("agentId", agentId)
                        .addKeyValue("tenant", tenantId)
                        .addKeyValue("run", r.runId())
                        .log("refused an uploaded graph run: its id is stored for another agent");
                refused.add("run " + r.runId() + " is stored for another agent; it was not stored again");
            }
        }
        List<String> audited = new ArrayList<>();
        if (audit != null) {
            for (GraphRuns.AuditRecord a : frame.audit()) {
                tx.run(() -> {
                    if (runs.auditArrived(tenantId, agentId, a.id(), now)) {
                        audit.record(
                                tenantId,
                                io.enginex.edge.server.audit.AuditType.GRAPH_STEP_AUDITED,
                                io.enginex.edge.server.audit.Actor.agent(agentId),
                                null,
                                new io.enginex.edge.server.audit.Audit.Target("graph_step", a.stepId()),
                                switch (a.outcome()) {
                                    case "ok" -> io.enginex.edge.server.audit.Audit.Outcome.SUCCESS;
                                    case "refused" -> io.enginex.edge.server.audit.Audit.Outcome.DENIED;
                                    default -> io.enginex.edge.server.audit.Audit.Outcome.FAILURE;
                                },
                                details(a));
                    }
                });
                audited.add(a.id());
            }
        }
        return new GraphRunsAck(ackId, frame.id(), stored, steps, refused, audited);
    }

    /** A step record stored now that carries the person's consent answer: {@code consent.answered}, once. */
    private void audited(String tenantId, String agentId, GraphRunStepRecord step) {
        if (step.consentJson() == null) {
            return;
        }
        try {
            audit.stepConsentAnswered(
                    tenantId,
                    step.id(),
                    io.enginex.edge.server.audit.Actor.agent(agentId),
                    mapper.readTree(step.consentJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read back the consent JSON written here", e);
        }
    }

    private static java.util.Map<String, Object> details(GraphRuns.AuditRecord a) {
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("deviceAt", a.at().toString());
        details.put("jobId", a.jobId());
        details.put("tool", a.tool());
        details.put("attempt", a.attempt());
        details.put("recordId", a.id());
        if (a.code() != null) {
            details.put("code", a.code());
        }
        if (a.message() != null) {
            details.put("message", a.message());
        }
        return details;
    }

    /**
     * The rule for a run of a graph changed or withdrawn while the agent was offline: the run is stored
     * with the version it ran, and flagged as the graph stood when the run first arrived — {@code local}
     * (not a graph of the hub), {@code unknown} (no such graph in the tenant), {@code withdrawn}, {@code
     * outdated} (a newer version exists) or {@code current}.
     */
    String standing(String tenantId, String graphId, Integer version) {
        if (graphId == null) {
            return "local";
        }
        Optional<GraphRecord> graph = graphs.find(tenantId, graphId);
        if (graph.isEmpty()) {
            return "unknown";
        }
        if (graph.get().withdrawn()) {
            return "withdrawn";
        }
        return version != null && version < graph.get().latestVersion() ? "outdated" : "current";
    }

    /**
     * A graph's uploaded runs, the latest started first.
     *
     * @throws HubException.NotFound {@code graph_not_found}
     */
    public List<GraphRunRecord> runsOf(Caller caller, String tenant, String graphId) {
        guard.check(caller, tenant);
        graphs.find(tenant, graphId)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_not_found",
                        "tenant " + tenant + " has no graph " + graphId + "; list them with engine graphs list"));
        return runs.runsOf(tenant, graphId, LIST_LIMIT);
    }

    /**
     * The tenant's uploaded runs of graph files run on the machines (not the hub's graphs), the latest
     * started first, at most {@code limit}.
     */
    public List<GraphRunRecord> localRuns(Caller caller, String tenant, int limit) {
        guard.check(caller, tenant);
        return runs.localRuns(tenant, Math.min(limit, LIST_LIMIT));
    }

    /** @throws HubException.NotFound {@code graph_run_not_found} */
    public Run run(Caller caller, String tenant, String runId) {
        guard.check(caller, tenant);
        GraphRunRecord run = runs.run(tenant, runId)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_run_not_found",
                        "tenant " + tenant + " has no graph run " + runId
                                + "; list a graph's runs with engine graphs runs GRAPH_ID"));
        return new Run(run, runs.steps(tenant, runId));
    }

    private String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON back out", e);
        }
    }
}
