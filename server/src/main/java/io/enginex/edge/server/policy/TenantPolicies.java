package io.enginex.edge.server.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.AssignedGraphs;
import io.enginex.edge.protocol.PolicyDocument;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.TenantPolicyRecord;
import io.enginex.edge.server.store.TenantPolicyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant policies: validated and stored per scope, chosen for each agent, and pushed to the agents
 * connected to this node when they change.
 *
 * <p>Which policies apply to an agent: those of the <b>most specific</b> scope that has any — its
 * own ({@code agent:ID}), else those of its labels ({@code label:…}, all that match, intersected by
 * the agent), else the tenant-wide one. The agent intersects what it is sent with its machine policy,
 * so no tenant policy can widen what the machine allows.
 *
 * <p>Thread-safe.
 */
public final class TenantPolicies {
    /** The largest policy document accepted, so a welcome with several stays far below a frame. */
    public static final int MAX_POLICY_CHARS = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(TenantPolicies.class);

    private final TenantPolicyStore store;
    private final AgentStore agents;
    private final ConnectionRegistry registry;
    private final IdGenerator ids;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Cluster cluster;
    private volatile Function<Agent, AssignedGraphs> graphs = agent -> null;

    public TenantPolicies(
            TenantPolicyStore store,
            AgentStore agents,
            ConnectionRegistry registry,
            IdGenerator ids,
            Clock clock,
            ObjectMapper mapper) {
        this(store, agents, registry, ids, clock, mapper, Cluster.SINGLE);
    }

    /** @param cluster told of every push, so the other nodes push to their agents too */
    public TenantPolicies(
            TenantPolicyStore store,
            AgentStore agents,
            ConnectionRegistry registry,
            IdGenerator ids,
            Clock clock,
            ObjectMapper mapper,
            Cluster cluster) {
        this.cluster = cluster;
        this.store = store;
        this.agents = agents;
        this.registry = registry;
        this.ids = ids;
        this.clock = clock;
        this.mapper = mapper;
    }

    /**
     * Sends {@code graphs}' answer for each agent with its policies, in {@code welcome} and in every
     * {@code policy} frame; set once while the hub starts, before agents connect. Until then no graphs
     * are sent (null: the agent keeps what it has).
     */
    public void sendGraphs(Function<Agent, AssignedGraphs> graphs) {
        this.graphs = graphs;
    }

    /** The graphs assigned to {@code agent}, or null when this hub sends none. */
    public AssignedGraphs graphs(Agent agent) {
        return graphs.apply(agent);
    }

    /**
     * Validates and stores the policy for a scope (replacing the one there), then pushes the change
     * to the tenant's connected agents.
     *
     * @throws HubException.BadRequest {@code invalid_scope} or {@code invalid_policy} naming every
     *     problem
     * @throws HubException.NotFound {@code agent_not_found} for an agent scope naming no agent of
     *     the tenant
     */
    public TenantPolicyStore.Put set(
            String tenantId, String scopeText, JsonNode policy, String description, String by) {
        PolicyScope scope = PolicyScope.parse(scopeText);
        if (scope.kind().equals(PolicyScope.AGENT)
                && agents.find(tenantId, scope.value()).isEmpty()) {
            throw new HubException.NotFound(
                    "agent_not_found", "tenant " + tenantId + " has no agent " + scope.value() + "; check the scope");
        }
        String json = validate(policy);
        if (description != null && description.length() > 500) {
            throw new HubException.BadRequest("description is at most 500 characters");
        }
        TenantPolicyStore.Put put = store.put(tenantId, scope, json, description, by, clock.instant(), ids.next("pol"));
        log.atInfo()
                .addKeyValue("tenant", tenantId)
                .addKeyValue("policyId", put.policy().id())
                .addKeyValue("scope", scope.wire())
                .log(put.created() ? "tenant policy created" : "tenant policy replaced");
        return put;
    }

    /**
     * Checks a policy document with the agent's rules ({@link PolicyDocument}).
     *
     * @return its compact JSON
     * @throws HubException.BadRequest {@code invalid_policy}
     */
    public String validate(JsonNode policy) {
        if (policy == null || policy.isNull() || policy.isMissingNode()) {
            throw new HubException.BadRequest(
                    "invalid_policy",
                    "policy is required: a JSON object in the machine policy file's shape (docs/POLICY.md)");
        }
        List<String> problems = PolicyDocument.problems(policy);
        if (!problems.isEmpty()) {
            throw new HubException.BadRequest(
                    "invalid_policy",
                    "the policy is not valid (agents would refuse it): " + String.join("; ", problems)
                            + ". The shape is the machine policy file's, see docs/POLICY.md");
        }
        String json = write(policy);
        if (json.length() > MAX_POLICY_CHARS) {
            throw new HubException.BadRequest(
                    "invalid_policy",
                    "the policy is " + json.length() + " characters; at most " + MAX_POLICY_CHARS + " are accepted");
        }
        return json;
    }

    public List<TenantPolicyRecord> list(String tenantId) {
        return store.list(tenantId);
    }

    /** @throws HubException.NotFound {@code policy_not_found} */
    public TenantPolicyRecord find(String tenantId, String id) {
        return store.find(tenantId, id)
                .orElseThrow(() -> new HubException.NotFound(
                        "policy_not_found",
                        "tenant " + tenantId + " has no policy " + id + "; list them with engine policies list"));
    }

    /**
     * Deletes a policy and pushes the change.
     *
     * @return the deleted policy
     * @throws HubException.NotFound {@code policy_not_found}
     */
    public TenantPolicyRecord delete(String tenantId, String id) {
        TenantPolicyRecord policy = find(tenantId, id);
        if (!store.delete(tenantId, id)) {
            throw new HubException.NotFound("policy_not_found", "tenant " + tenantId + " has no policy " + id);
        }
        return policy;
    }

    /** The tenant policies that apply to {@code agent}, as sent in {@code welcome} (see the class comment). */
    public List<TenantPolicy> applicable(Agent agent) {
        return applicable(agent, store.list(agent.tenantId()));
    }

    /**
     * The policies of {@code policies} that apply to {@code agent}: those of the most specific scope
     * that covers it. The rule {@link #applicable(Agent)} and a preview of a change share.
     */
    public List<TenantPolicy> applicable(Agent agent, List<TenantPolicyRecord> policies) {
        List<TenantPolicyRecord> covering = policies.stream()
                .filter(p -> p.scope().covers(agent.id(), agent.labels()))
                .toList();
        int most =
                covering.stream().mapToInt(p -> p.scope().specificity()).max().orElse(-1);
        List<TenantPolicy> out = new ArrayList<>();
        for (TenantPolicyRecord p : covering) {
            if (p.scope().specificity() == most) {
                out.add(new TenantPolicy(p.id(), p.scope().wire(), read(p.policyJson()), p.updatedAt()));
            }
        }
        return out;
    }

    /**
     * What a policy change reached.
     *
     * @param matched the tenant's agents (not revoked) the scope covers, connected or not
     * @param reached those of them connected to this node that the update frame was written to
     */
    public record Push(int matched, int reached) {}

    /**
     * Sends every connected agent of the tenant that {@code scope} covers (and that understands
     * policy updates) its applicable policies, in parallel on virtual threads, and waits until each
     * frame is written or its send fails (bounded by the connection's send timeout). Agents the scope
     * does not cover are not sent anything: their applicable policies did not change.
     */
    public Push push(String tenantId, PolicyScope scope) {
        Push here = pushHere(tenantId, scope);
        cluster.publish(Signal.policy(tenantId, scope.wire()));
        return here;
    }

    /**
     * As {@link #push}, to the agents connected to this node only: another node changed the policy.
     *
     * @return what was pushed here; {@code reached} counts this node's agents
     */
    public Push pushHere(String tenantId, PolicyScope scope) {
        int matched = (int) agents.list(tenantId).stream()
                .filter(a -> !a.revoked() && scope.covers(a.id(), a.labels()))
                .count();
        List<CompletableFuture<Boolean>> sends = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (AgentConnection connection : registry.sockets()) {
                if (!connection.tenantId().equals(tenantId) || !connection.advertises()) {
                    continue;
                }
                Optional<Agent> agent = agents.find(tenantId, connection.agentId())
                        .filter(a -> !a.revoked() && scope.covers(a.id(), a.labels()));
                if (agent.isEmpty()) {
                    continue;
                }
                List<TenantPolicy> policies = applicable(agent.get());
                AssignedGraphs assigned = graphs(agent.get());
                sends.add(CompletableFuture.supplyAsync(
                        () -> connection.send(new PolicyUpdate(connection.nextFrameId(), policies, assigned)),
                        threads));
            }
        } // closing the executor waits for every send
        int reached = (int) sends.stream().filter(CompletableFuture::join).count();
        log.atInfo()
                .addKeyValue("tenant", tenantId)
                .addKeyValue("scope", scope.wire())
                .addKeyValue("matched", matched)
                .addKeyValue("reached", reached)
                .log("tenant policy pushed");
        return new Push(matched, reached);
    }

    /**
     * The tenant policy that makes this call need a person's approval, if any: a policy applying to
     * the agent that lists the tool (or {@code exec:TEMPLATE}) in {@code approvalRequired}, or marks
     * the {@code exec} template {@code approvalRequired}.
     */
    public Optional<String> approvalRequiredBy(Agent agent, String tool, JsonNode args) {
        String template = args.path("command").asText(null);
        for (TenantPolicy p : applicable(agent)) {
            for (JsonNode name : p.policy().path("approvalRequired")) {
                if (name.asText().equals(tool)
                        || ("exec".equals(tool) && name.asText().equals("exec:" + template))) {
                    return Optional.of(p.source());
                }
            }
            if ("exec".equals(tool) && template != null) {
                for (JsonNode command : p.policy().path("commands")) {
                    if (template.equals(command.path("name").asText())
                            && command.path("approvalRequired").asBoolean(false)) {
                        return Optional.of(p.source());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The tenant policy that leaves {@code tool} out of its {@code tools}, if one that applies to the
     * agent does (a policy without {@code tools} does not restrict them).
     */
    public Optional<String> toolLeftOutBy(Agent agent, String tool) {
        for (TenantPolicy p : applicable(agent)) {
            JsonNode tools = p.policy().get("tools");
            if (tools == null || !tools.isArray()) {
                continue;
            }
            boolean listed = false;
            for (JsonNode name : tools) {
                listed |= name.asText().equals(tool);
            }
            if (!listed) {
                return Optional.of(p.source());
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a policy change, by form field ({@code scope}, {@code policy}, {@code
     * description}), each message naming the fix; empty when {@link #set} would take it. The same
     * checks as {@link #set}, all of them, so a form can show every problem at once.
     */
    public Map<String, String> problems(String tenantId, String scopeText, JsonNode policy, String description) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            PolicyScope scope = PolicyScope.parse(scopeText);
            if (scope.kind().equals(PolicyScope.AGENT)
                    && agents.find(tenantId, scope.value()).isEmpty()) {
                out.put("scope", "this tenant has no agent " + scope.value() + "; check the scope");
            }
        } catch (HubException.BadRequest e) {
            out.put("scope", e.getMessage());
        }
        try {
            validate(policy);
        } catch (HubException.BadRequest e) {
            out.put("policy", e.getMessage());
        }
        if (description != null && description.length() > 500) {
            out.put("description", "description is at most 500 characters; it has " + description.length());
        }
        return out;
    }

    /** The tenant's agent {@code id}, revoked or not. */
    public Optional<Agent> agent(String tenantId, String id) {
        return agents.find(tenantId, id);
    }

    /** The tenant's agents (not revoked) that {@code scope} covers, by host name. */
    public List<Agent> covered(String tenantId, PolicyScope scope) {
        return agents.list(tenantId).stream()
                .filter(a -> !a.revoked() && scope.covers(a.id(), a.labels()))
                .sorted(java.util.Comparator.comparing(Agent::hostname).thenComparing(Agent::id))
                .toList();
    }

    /** A stored document as JSON. */
    public JsonNode read(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored tenant policy is not JSON", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
