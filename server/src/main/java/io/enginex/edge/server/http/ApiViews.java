package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.connection.AgentStatus;
import io.enginex.edge.server.ops.OpsPoint;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.ConnectionRecord;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.Tenant;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of the REST API: explicit records, so the wire format is visible in one file. */
final class ApiViews {
    private ApiViews() {}

    /** @param enrolmentRatePerMinute the tenant's enrolment budget per address, or null for the hub's */
    record TenantView(String id, String name, Instant createdAt, Integer enrolmentRatePerMinute) {
        static TenantView of(Tenant t) {
            return new TenantView(t.id(), t.name(), t.createdAt(), t.enrolmentRatePerMinute());
        }
    }

    record TokenView(
            String id,
            String tenant,
            String description,
            List<String> labels,
            int maxUses,
            int uses,
            Instant createdAt,
            Instant expiresAt,
            Instant lastUsedAt,
            Instant revokedAt,
            String createdBy,
            Integer ratePerMinute,
            List<EnrolledAgent> agents) {
        static TokenView of(RegistrationToken t, List<EnrolledAgent> agents) {
            return new TokenView(
                    t.id(),
                    t.tenantId(),
                    t.description(),
                    t.labels(),
                    t.maxUses(),
                    t.uses(),
                    t.createdAt(),
                    t.expiresAt(),
                    t.lastUsedAt(),
                    t.revokedAt(),
                    t.createdBy(),
                    t.ratePerMinute(),
                    agents);
        }
    }

    /** An agent a registration token enrolled. */
    record EnrolledAgent(String id, String hostname, Instant createdAt, Instant revokedAt) {}

    /** Shown once, when the token is made: the only place the secret appears. */
    record IssuedTokenView(
            String id,
            String token,
            String tenant,
            Instant expiresAt,
            int maxUses,
            List<String> labels,
            Integer ratePerMinute) {}

    record IssuedKeyView(String id, String key, String tenant, String role, String label, Instant createdAt) {}

    record AgentView(
            String id,
            String tenant,
            String hostname,
            String os,
            String arch,
            String agentVersion,
            List<String> labels,
            JsonNode tools,
            boolean connected,
            String state,
            String stateDetail,
            int jobsInFlight,
            Instant lastSeenAt,
            Instant lastProgressAt,
            Instant createdAt,
            Instant revokedAt,
            Instant deregisteredAt,
            PauseView paused,
            MachineView machine,
            JsonNode effectivePolicy,
            UpdateView update,
            boolean neverConnected,
            Instant archivedAt,
            List<SessionPartView> sessionParts,
            Instant sessionPartsReportedAt,
            boolean sessionPartsCurrent) {
        /**
         * @param effectivePolicyJson the effective policy the agent last advertised (as {@code
         *     enginex-agent policy show --json} prints it), or null when it advertised none
         * @param archivedAt when it was archived, or null
         */
        static AgentView of(
                Agent a,
                AgentStatus status,
                Instant deregisteredAt,
                PauseView paused,
                MachineView machine,
                String effectivePolicyJson,
                AgentUpdate update,
                Instant archivedAt,
                io.enginex.edge.server.fleet.SignedInUsers signedIn,
                ObjectMapper mapper) {
            return new AgentView(
                    a.id(),
                    a.tenantId(),
                    a.hostname(),
                    a.os(),
                    a.arch(),
                    a.agentVersion(),
                    a.labels(),
                    a.tools().json(),
                    status.connected(),
                    status.state().wire(),
                    status.detail(),
                    status.jobsInFlight(),
                    a.lastSeenAt(),
                    status.lastProgressAt(),
                    a.createdAt(),
                    a.revokedAt(),
                    deregisteredAt,
                    paused,
                    machine,
                    json(effectivePolicyJson, mapper),
                    update == null ? null : UpdateView.of(update),
                    a.lastSeenAt() == null,
                    archivedAt,
                    signedIn.parts().stream()
                            .map(p -> new SessionPartView(
                                    p.user(), p.type(), p.since(), p.reportedAt(), signedIn.current()))
                            .toList(),
                    signedIn.reportedAt(),
                    signedIn.current());
        }
    }

    /**
     * A user's session part connected to the agent's service (the user signed in at the machine with
     * {@code enginex-agent session} running), as the agent last reported it.
     *
     * @param current false when the agent is offline (or has not reported on its connection now): the
     *     user was signed in at {@code reportedAt}, and may not be now
     */
    record SessionPartView(String user, String type, Instant since, Instant reportedAt, boolean current) {}

    /**
     * An agent's update state as it last reported it: the channel it follows, its rollout ring, whether
     * it replaces itself ({@code self}) or a package manager does ({@code managed}), what it is doing,
     * and its last failed update with the agent's reason. Absent for an agent that never reported one.
     */
    record UpdateView(
            String version,
            String channel,
            int ring,
            String mode,
            String state,
            String target,
            String available,
            Instant checkedAt,
            FailureView failure,
            Instant reportedAt) {
        static UpdateView of(AgentUpdate u) {
            return new UpdateView(
                    u.version(),
                    u.channel(),
                    u.ring(),
                    u.mode(),
                    u.state(),
                    u.target(),
                    u.available(),
                    u.checkedAt(),
                    u.failure() == null
                            ? null
                            : new FailureView(
                                    u.failure().version(),
                                    u.failure().reason(),
                                    u.failure().at()),
                    u.reportedAt());
        }
    }

    /** The release that failed (null when the failure was not a release's), why, and when. */
    record FailureView(String version, String reason, Instant at) {}

    /**
     * The machine an agent runs on: the salted hash the agent sent, the agent that replaced this one
     * (a reinstall of the same machine), and the tenant's other agents from that machine.
     */
    record MachineView(String id, String replacedBy, List<String> sameMachine) {}

    /**
     * The person at the agent's machine paused its local actions: who (their account on that machine),
     * since when, and when the hub heard of it. Absent while the agent takes jobs.
     */
    record PauseView(String by, Instant since, Instant reportedAt) {}

    record ErrorView(String code, String message) {}

    record JobView(
            String id,
            String tenant,
            String sessionId,
            String agentId,
            String tool,
            JsonNode args,
            String state,
            int attempt,
            Instant createdAt,
            Instant deadline,
            Instant dispatchedAt,
            Instant startedAt,
            Instant lastProgressAt,
            Instant finishedAt,
            JsonNode output,
            ErrorView error,
            boolean replayed,
            Job.Approval approval,
            Job.DeviceTimes device,
            JsonNode consent,
            String requestedBy) {
        static JobView of(Job j, ObjectMapper mapper) {
            return new JobView(
                    j.id(),
                    j.tenantId(),
                    j.sessionId(),
                    j.agentId(),
                    j.tool(),
                    j.args(),
                    j.state().wire(),
                    j.attempt(),
                    j.createdAt(),
                    j.deadline(),
                    j.dispatchedAt(),
                    j.startedAt(),
                    j.lastProgressAt(),
                    j.finishedAt(),
                    j.outputJson() == null ? null : json(j.outputJson(), mapper),
                    j.errorCode() == null ? null : new ErrorView(j.errorCode(), j.errorMessage()),
                    j.replayed(),
                    j.approval(),
                    j.device(),
                    j.consentJson() == null ? null : json(j.consentJson(), mapper),
                    j.requestedBy());
        }
    }

    record SessionView(
            String id,
            String tenant,
            String name,
            String createdBy,
            Instant createdAt,
            String pageUrl,
            List<JobView> jobs) {
        static SessionView of(Session s, String pageUrl, List<JobView> jobs) {
            return new SessionView(s.id(), s.tenantId(), s.name(), s.createdBy(), s.createdAt(), pageUrl, jobs);
        }
    }

    /** One connection of an agent, open while {@code disconnectedAt} is null. */
    record ConnectionView(
            String id,
            String node,
            String remoteAddress,
            Instant connectedAt,
            Instant disconnectedAt,
            Integer closeCode,
            String closeReason) {
        static ConnectionView of(ConnectionRecord c) {
            return new ConnectionView(
                    c.id(),
                    c.hubNode(),
                    c.remoteAddress(),
                    c.connectedAt(),
                    c.disconnectedAt(),
                    c.closeCode(),
                    c.closeReason());
        }
    }

    record ConnectionPage(List<ConnectionView> connections, String next) {}

    /** Latency percentiles in milliseconds; null fields when no job finished in the interval. */
    record LatencyView(Double p50, Double p95, Double p99) {}

    record OpsPointView(
            Instant at,
            Integer connectedAgents,
            long connects,
            long disconnects,
            long dispatched,
            long completed,
            long errors,
            LatencyView latencyMs) {
        static OpsPointView of(OpsPoint p) {
            return new OpsPointView(
                    p.at(),
                    p.connectedAgents(),
                    p.connects(),
                    p.disconnects(),
                    p.dispatched(),
                    p.completed(),
                    p.errors(),
                    new LatencyView(p.p50Millis(), p.p95Millis(), p.p99Millis()));
        }
    }

    /** Connected agents by state (no tenant is named). */
    record AgentStateCounts(int online, int busy, int unresponsive) {}

    /**
     * @param node the node that answered
     * @param view {@code cluster} (every node's numbers summed) or {@code node} (one node's)
     * @param nodes the nodes whose numbers are in it
     * @param scope {@code tenant} (the caller's tenant's agents and jobs) or {@code all} (every
     *     tenant's; platform keys)
     */
    record OpsView(
            String node,
            String view,
            List<String> nodes,
            String scope,
            int bucketSeconds,
            int minutes,
            AgentStateCounts agents,
            OpsPointView summary,
            List<OpsPointView> buckets) {}

    record Health(String status, String node, String version, String database, int connectedAgents) {}

    private static JsonNode json(String text, ObjectMapper mapper) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(text);
        }
    }
}
