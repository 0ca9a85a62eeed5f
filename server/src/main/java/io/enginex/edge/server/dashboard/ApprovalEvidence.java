package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.Job;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a person needs in front of them to approve or deny a job: the exact arguments, the machine it
 * would run on and who asked, and the policy rule that made it wait — read from the tool descriptor
 * the agent announced, as the hub's dispatcher read it when it held the job.
 *
 * @param argsJson the job's arguments exactly as the agent will receive them, pretty-printed
 * @param hostname the target machine's host name as its agent reported it
 * @param requestedBy who created the job's session (a user's email, or an API key or user id)
 * @param rule the policy rule that asked for approval, in words
 * @param ruleCurrent false when the agent no longer announces such a rule (its policy changed since)
 */
public record ApprovalEvidence(
        Job job,
        String argsJson,
        String agentId,
        String hostname,
        String os,
        String agentVersion,
        List<String> labels,
        String requestedBy,
        String sessionName,
        String rule,
        boolean ruleCurrent,
        Instant deadline) {
    /**
     * @param tenantRule the tenant policy that requires approval for this call, as the hub's own
     *     policies say ({@code TenantPolicies.approvalRequiredBy}); empty when only the agent's
     *     machine policy asks for it
     */
    public static ApprovalEvidence of(
            Job job,
            Agent agent,
            String requestedBy,
            String sessionName,
            Optional<String> tenantRule,
            ObjectMapper mapper) {
        return of(job, agent, requestedBy, sessionName, tenantRule, Optional.empty(), mapper);
    }

    /**
     * @param secretRule why the tenant secrets the call uses need an approval ({@code
     *     SecretApprovals.requiredBy}), naming them; empty when it uses none defined with {@code use:
     *     approval}
     */
    public static ApprovalEvidence of(
            Job job,
            Agent agent,
            String requestedBy,
            String sessionName,
            Optional<String> tenantRule,
            Optional<String> secretRule,
            ObjectMapper mapper) {
        Rule policyRule = tenantRule
                .map(source -> new Rule(
                        "The " + source + " requires a person's approval for this call of " + job.tool()
                                + " (approvalRequired).",
                        true))
                .orElseGet(() -> rule(agent, job, mapper));
        Rule rule = secretRule
                .map(text ->
                        policyRule.current() ? new Rule(policyRule.text() + " " + text, true) : new Rule(text, true))
                .orElse(policyRule);
        return new ApprovalEvidence(
                job,
                pretty(job.argsJson(), mapper),
                job.agentId(),
                agent == null ? "(unknown agent)" : agent.hostname(),
                agent == null ? "" : agent.os() + " " + agent.arch(),
                agent == null ? "" : agent.agentVersion(),
                agent == null ? List.of() : agent.labels(),
                requestedBy,
                sessionName,
                rule.text(),
                rule.current(),
                job.deadline());
    }

    private record Rule(String text, boolean current) {}

    /** Which rule of the agent's announced policy asks a person to approve this call. */
    static String describeRule(Agent agent, Job job, ObjectMapper mapper) {
        return rule(agent, job, mapper).text();
    }

    private static Rule rule(Agent agent, Job job, ObjectMapper mapper) {
        String host = agent == null ? "the agent" : agent.hostname();
        String template = job.args().path("command").asText(null);
        ToolApproval approval = agent == null
                ? null
                : agent.tools().find(job.tool()).map(t -> t.approval()).orElse(null);
        if (approval != null && approval.required()) {
            return new Rule(
                    "The machine policy on " + host + " requires a person's approval for every call of " + job.tool()
                            + " (approvalRequired).",
                    true);
        }
        if (approval != null && template != null && approval.templates().contains(template)) {
            return new Rule(
                    "The machine policy on " + host + " requires a person's approval for the command"
                            + " template " + template + " of " + job.tool()
                            + " (approvalRequired on that template).",
                    true);
        }
        return new Rule(
                "The agent no longer announces an approval rule for this call (its policy changed after the job"
                        + " was held). The agent checks its own policy again before running anything.",
                false);
    }

    private static String pretty(String json, ObjectMapper mapper) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
