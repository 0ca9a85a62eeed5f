package io.enginex.edge.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.server.store.Agent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * What a policy change would do before it is saved: which agents its scope matches, how many of them
 * it would govern (a more specific scope's policy wins over it), and, for one chosen agent, the tenant
 * policies that apply to it now and after the change, with the rules they leave it (intersected, as
 * the agent intersects them; {@link TenantPolicies#applicable(Agent, List)} chooses them). The agent
 * then narrows these rules further by its machine's own policy, which the hub does not hold.
 * Immutable.
 *
 * @param scope the draft's scope as written on the wire
 * @param matched how many of the tenant's agents (not revoked) the scope covers
 * @param firstMatched the first of them by host name, at most {@link #SHOWN}
 * @param governed how many of the matched agents would take this policy (no more specific one applies)
 * @param agent the agent chosen for the effective policy, or null (none chosen)
 * @param before the tenant policies that apply to it now (empty when none, or no agent chosen)
 * @param after those that would apply after the change
 * @param rules what {@code after} allows the agent together, or null when no agent was chosen
 */
public record PolicyPreview(
        String scope,
        int matched,
        List<Agent> firstMatched,
        int governed,
        Agent agent,
        List<TenantPolicy> before,
        List<TenantPolicy> after,
        Rules rules) {
    /** How many matched agents a preview names. */
    public static final int SHOWN = 10;

    public PolicyPreview {
        firstMatched = List.copyOf(firstMatched);
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    /**
     * The rules several tenant policies leave an agent, intersected: a list is what every policy
     * that has the field allows; null means no policy sets the field, so the machine's own rules
     * stand. Approval is needed for what any of them asks approval for.
     */
    public record Rules(
            List<String> tools, List<String> commands, List<String> network, List<String> approvalRequired) {
        /** The rules of {@code policies} together; every one allows nothing a list leaves out. */
        public static Rules of(List<TenantPolicy> policies) {
            if (policies.isEmpty()) {
                return new Rules(null, null, null, List.of());
            }
            Set<String> approval = new LinkedHashSet<>();
            policies.forEach(p -> p.policy().path("approvalRequired").forEach(n -> approval.add(n.asText())));
            return new Rules(
                    intersect(policies, "tools", JsonNode::asText),
                    intersect(policies, "commands", c -> c.path("name").asText()),
                    intersect(policies, "network", n -> n.asText().toLowerCase(Locale.ROOT)),
                    List.copyOf(approval));
        }

        private static List<String> intersect(
                List<TenantPolicy> policies, String field, Function<JsonNode, String> name) {
            Set<String> out = null;
            for (TenantPolicy p : policies) {
                JsonNode list = p.policy().get(field);
                if (list == null || !list.isArray()) {
                    continue;
                }
                Set<String> names = new LinkedHashSet<>();
                list.forEach(e -> names.add(name.apply(e)));
                if (out == null) {
                    out = names;
                } else {
                    out.retainAll(names);
                }
            }
            return out == null ? null : new ArrayList<>(out);
        }
    }
}
