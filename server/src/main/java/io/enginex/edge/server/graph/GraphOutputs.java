package io.enginex.edge.server.graph;

import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.GraphOutputAck;
import io.enginex.edge.protocol.GraphOutputChunk;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.config.HubConfig.GraphOutputLimits;
import io.enginex.edge.server.store.GraphOutputStore;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step outputs agents keep as files and upload after the step record ({@code graphOutputChunk} frames,
 * docs/GRAPHS.md "Big outputs"), and their download. A chunk is stored when it starts where the hub's
 * copy ends, so a repeated upload stores once and an interrupted one resumes from what the hub has;
 * the tenant and agent are the connection's, and only the agent that uploaded the run may add to its
 * outputs. The whole is checked against the SHA-256 the step record announced. Thread-safe.
 */
public final class GraphOutputs {
    private static final Logger log = LoggerFactory.getLogger(GraphOutputs.class);

    /** The error code of an output the hub refuses (unknown step, caps, hash). */
    public static final String REFUSED = "graph_output_refused";

    private final GraphOutputStore outputs;
    private final GraphOutputLimits limits;
    private final Audit audit;
    private final TenantGuard guard;
    private final Clock clock;

    public GraphOutputs(
            GraphOutputStore outputs, GraphOutputLimits limits, Audit audit, TenantGuard guard, Clock clock) {
        this.outputs = outputs;
        this.limits = limits;
        this.audit = audit;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * Stores a chunk an agent of {@code tenantId} sent, when it continues the hub's copy, and answers
     * how far the copy is. Throws when the database fails (the router answers {@code unavailable}; the
     * agent sends the chunk again on its next connection).
     */
    public GraphOutputAck receive(String tenantId, String agentId, GraphOutputChunk chunk, String ackId) {
        GraphOutputStore.Output output = outputs.find(tenantId, chunk.stepId())
                .filter(o -> o.agentId().equals(agentId))
                .orElse(null);
        if (output == null
                || output.totalBytes() != chunk.totalBytes()
                || !output.sha256().equals(chunk.sha256())) {
            return refuse(
                    ackId,
                    chunk,
                    0,
                    "the hub has no step record " + chunk.stepId() + " of this agent whose"
                            + " output is a file of " + chunk.totalBytes()
                            + " bytes with that SHA-256; the step record is"
                            + " uploaded first (graphRuns)");
        }
        if (output.complete()) {
            return new GraphOutputAck(ackId, chunk.id(), chunk.stepId(), output.received(), true, null);
        }
        if (output.totalBytes() > limits.perFileBytes()) {
            return refused(
                    tenantId,
                    agentId,
                    ackId,
                    chunk,
                    output,
                    chunk.offset() == 0,
                    "the output of step " + chunk.stepId() + " is "
                            + output.totalBytes() + " bytes, more than the hub's cap of " + limits.perFileBytes()
                            + " bytes per file (engine serve --graph-output-max-bytes); it stays on the machine");
        }
        byte[] data;
        try {
            data = chunk.bytes();
        } catch (IllegalArgumentException e) {
            return refuse(ackId, chunk, output.received(), "the chunk's data is not base64: " + e.getMessage());
        }
        GraphOutputStore.Append done =
                outputs.append(output, chunk.offset(), data, limits.perTenantBytes(), clock.instant());
        GraphOutputStore.Output now = done.output();
        return switch (done.what()) {
            case TENANT_FULL ->
                refused(
                        tenantId,
                        agentId,
                        ackId,
                        chunk,
                        output,
                        true,
                        "the step output files of tenant " + tenantId
                                + " would pass the hub's cap of " + limits.perTenantBytes() + " bytes"
                                + " (engine serve --graph-outputs-tenant-max-bytes); raise it, or the output stays on"
                                + " the machine");
            case HASH_MISMATCH ->
                refused(
                        tenantId,
                        agentId,
                        ackId,
                        chunk,
                        output,
                        true,
                        "the uploaded output of step " + chunk.stepId()
                                + " does not match its SHA-256 " + output.sha256() + "; the hub dropped it and it is"
                                + " uploaded again on the next connection");
            case STORED -> {
                if (now.complete() && !output.complete() && chunk.offset() + data.length == now.totalBytes()) {
                    audit.record(
                            tenantId,
                            AuditType.GRAPH_OUTPUT_STORED,
                            Actor.agent(agentId),
                            null,
                            new Audit.Target("graph_step", chunk.stepId()),
                            Audit.Outcome.SUCCESS,
                            Map.of("runId", now.runId(), "bytes", now.totalBytes(), "sha256", now.sha256()));
                }
                yield new GraphOutputAck(ackId, chunk.id(), chunk.stepId(), now.received(), now.complete(), null);
            }
        };
    }

    /**
     * Writes a complete output to {@code out} (after {@code headers} was told its size), audited.
     *
     * @throws HubException.NotFound {@code graph_output_not_found}: no such step, or its output is not a
     *     file
     * @throws HubException.Conflict {@code graph_output_incomplete}: not all of it arrived yet
     */
    public void download(Caller caller, String tenant, String runId, String step, Origin origin, Download out)
            throws IOException {
        guard.check(caller, tenant);
        String stepId = runId + ":" + step;
        GraphOutputStore.Output output = outputs.find(tenant, stepId)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_output_not_found",
                        "tenant " + tenant + " has no step " + step + " in graph run " + runId
                                + " whose output is a file; see the run's steps with GET /api/v1/tenants/"
                                + tenant + "/graph-runs/" + runId));
        if (!output.complete()) {
            throw new HubException.Conflict(
                    "graph_output_incomplete",
                    "the output of step " + step + " of run " + runId + " has " + output.received() + " of "
                            + output.totalBytes() + " bytes on the hub; it is downloadable once the agent"
                            + " uploaded all of it (it does when connected)");
        }
        audit.record(
                tenant,
                AuditType.GRAPH_OUTPUT_DOWNLOADED,
                Actor.of(caller),
                origin.sourceIp(),
                new Audit.Target("graph_step", stepId),
                Audit.Outcome.SUCCESS,
                Map.of("runId", runId, "bytes", output.totalBytes()));
        try (OutputStream body = out.open(output.totalBytes(), output.sha256())) {
            outputs.copy(tenant, stepId, body);
        }
    }

    /** Where a download goes: opened once its size and SHA-256 are known. */
    @FunctionalInterface
    public interface Download {
        OutputStream open(long bytes, String sha256) throws IOException;
    }

    private GraphOutputAck refused(
            String tenantId,
            String agentId,
            String ackId,
            GraphOutputChunk chunk,
            GraphOutputStore.Output output,
            boolean audited,
            String why) {
        log.atWarn()
                .addKeyValue("tenant", tenantId)
                .addKeyValue("agentId", agentId)
                .addKeyValue("step", chunk.stepId())
                .log("refused an uploaded step output: " + why);
        if (audited) { // once per upload, not once per chunk
            audit.record(
                    tenantId,
                    AuditType.GRAPH_OUTPUT_STORED,
                    Actor.agent(agentId),
                    null,
                    new Audit.Target("graph_step", chunk.stepId()),
                    Audit.Outcome.FAILURE,
                    Map.of("runId", output.runId(), "bytes", output.totalBytes(), "reason", why));
        }
        return refuse(ackId, chunk, 0, why);
    }

    private static GraphOutputAck refuse(String ackId, GraphOutputChunk chunk, long received, String why) {
        return new GraphOutputAck(ackId, chunk.id(), chunk.stepId(), received, false, new ErrorInfo(REFUSED, why));
    }
}
