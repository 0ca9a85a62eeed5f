package io.enginex.edge.server.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.SessionStore;
import io.enginex.edge.server.store.ToolCatalogue;
import io.enginex.edge.server.vault.SecretApprovals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a {@link Job} is made: checks a {@link JobRequest} against the session, the agent,
 * the tools it offers and the tenant's policies, and returns the job as it is to be written (QUEUED,
 * or AWAITING_APPROVAL when the agent, a tenant policy or a tenant secret it uses says this call needs a person). Reads only;
 * writes nothing. Thread-safe.
 */
public final class JobFactory {
    private static final Logger log = LoggerFactory.getLogger(JobFactory.class);

    private final SessionStore sessions;
    private final AgentStore agents;
    private final TenantPolicies policies;
    private final SecretApprovals secretApprovals;
    private final IdGenerator ids;
    private final Clock clock;
    private final ObjectMapper mapper;

    public JobFactory(
            SessionStore sessions,
            AgentStore agents,
            TenantPolicies policies,
            SecretApprovals secretApprovals,
            IdGenerator ids,
            Clock clock,
            ObjectMapper mapper) {
        this.sessions = sessions;
        this.agents = agents;
        this.policies = policies;
        this.secretApprovals = secretApprovals;
        this.ids = ids;
        this.clock = clock;
        this.mapper = mapper;
    }

    /** A job ready to be written, and the agent it is for. */
    public record Made(Job job, Agent agent) {}

    /**
     * @throws HubException.NotFound {@code session_not_found}, {@code agent_not_found}
     * @throws HubException.Conflict {@code agent_revoked}
     * @throws HubException.Forbidden {@code blocked_by_policy}
     * @throws HubException.BadRequest {@code unknown_tool}, {@code bad_request}
     */
    public Made make(String tenantId, String sessionId, JobRequest request) {
        if (sessions.find(tenantId, sessionId).isEmpty()) {
            throw new HubException.NotFound("session_not_found", "tenant " + tenantId + " has no session " + sessionId);
        }
        if (request.agentId() == null || request.agentId().isBlank()) {
            throw new HubException.BadRequest("agentId is required");
        }
        Agent agent = agents.find(tenantId, request.agentId())
                .orElseThrow(() -> new HubException.NotFound(
                        "agent_not_found",
                        "tenant " + tenantId
                                + " has no agent " + request.agentId() + "; list agents with GET /api/v1/tenants/"
                                + tenantId + "/agents"));
        if (agent.revoked()) {
            throw new HubException.Conflict(
                    "agent_revoked",
                    "agent " + agent.id() + " was revoked at " + agent.revokedAt() + " and takes no jobs");
        }
        if (request.tool() == null || request.tool().isBlank()) {
            throw new HubException.BadRequest("tool is required, e.g. \"fs.list\"");
        }
        ToolCatalogue offered = agent.tools();
        if (!offered.readable()) {
            log.atWarn().addKeyValue("agentId", agent.id()).log("agent has unreadable tools; not checking the tool");
        }
        List<String> names = offered.names();
        if (!names.isEmpty() && !names.contains(request.tool()) && !blockedByPolicy(agent, request.tool())) {
            throw new HubException.BadRequest(
                    ErrorCodes.UNKNOWN_TOOL,
                    "agent " + agent.id() + " ("
                            + agent.hostname() + ") does not offer tool " + request.tool() + "; it offers: "
                            + String.join(", ", names));
        }
        if (agents.effectivePolicy(tenantId, agent.id()).isEmpty()) {
            // This agent has not reported applying tenant policies (an older agent, or one between its
            // hello and its advertise): the hub holds the tenant's tool list itself.
            policies.toolLeftOutBy(agent, request.tool()).ifPresent(source -> {
                throw new HubException.Forbidden(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "the tool " + request.tool() + " is not in the allowed tools of " + source
                                + "; change the policy with engine policies set, or choose another tool");
            });
        }
        JsonNode args = request.args() == null || request.args().isNull() ? mapper.createObjectNode() : request.args();
        if (!args.isObject()) {
            throw new HubException.BadRequest("args must be a JSON object; got " + args.getNodeType());
        }
        Duration timeout = request.timeout() == null ? JobRequest.DEFAULT_TIMEOUT : request.timeout();
        if (timeout.toSeconds() < 1 || timeout.compareTo(JobRequest.MAX_TIMEOUT) > 0) {
            throw new HubException.BadRequest("timeoutSeconds must be between 1 and "
                    + JobRequest.MAX_TIMEOUT.toSeconds() + "; got " + timeout.toSeconds());
        }
        Instant now = clock.instant();
        boolean approval = needsApproval(agent, offered, request.tool(), args);
        Job job = Job.created(
                ids.next("job"),
                tenantId,
                sessionId,
                agent.id(),
                request.tool(),
                args,
                approval ? JobState.AWAITING_APPROVAL : JobState.QUEUED,
                now,
                now.plus(timeout));
        return new Made(job, agent);
    }

    /**
     * True when the agent's last advertisement says its effective policy removed {@code tool}: such a
     * job is sent, so the agent refuses it {@code blocked_by_policy} naming the rule (and audits it),
     * rather than the hub answering {@code unknown_tool}.
     */
    private boolean blockedByPolicy(Agent agent, String tool) {
        return agents.effectivePolicy(agent.tenantId(), agent.id())
                .map(json -> {
                    try {
                        for (JsonNode blocked : mapper.readTree(json).path("blockedTools")) {
                            if (tool.equals(blocked.path("name").asText())) {
                                return true;
                            }
                        }
                        return false;
                    } catch (JsonProcessingException e) {
                        return false;
                    }
                })
                .orElse(false);
    }

    /**
     * True when the agent announced that this call of {@code tool} needs a person's approval, or a
     * tenant policy that applies to the agent says so (the hub knows those itself, so an agent that has
     * not advertised them yet, or an older agent, cannot skip them), or the arguments reference a
     * tenant secret defined with {@code use: approval}.
     */
    private boolean needsApproval(Agent agent, ToolCatalogue offered, String tool, JsonNode args) {
        return policies.approvalRequiredBy(agent, tool, args).isPresent()
                || secretApprovals.requiredBy(agent, args).isPresent()
                || offered.find(tool).map(t -> t.needsApproval(args)).orElse(false);
    }
}
