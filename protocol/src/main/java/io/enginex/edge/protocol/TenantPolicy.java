package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One tenant policy the hub applies to an agent, as carried in {@link Welcome#tenantPolicies()} and
 * {@link PolicyUpdate}. The agent intersects every policy it is sent with its machine policy.
 *
 * <pre>{@code
 * {"id":"pol_…","scope":"label:team=finance","policy":{"version":1,"tools":["fs.list","fs.read"]},
 *  "updatedAt":"2026-11-26T10:00:00Z"}
 * }</pre>
 *
 * @param id the hub's id of the policy, named in every rule it contributes
 * @param scope {@code tenant}, {@code label:KEY=VALUE} or {@code agent:AGENT_ID}
 * @param policy the policy document, in the JSON shape of the machine policy file ({@link
 *     PolicyDocument})
 * @param updatedAt when it last changed on the hub
 */
public record TenantPolicy(String id, String scope, JsonNode policy, Instant updatedAt) {
    public TenantPolicy {
        Messages.requireText(id, "tenant policy id");
        Messages.requireText(scope, "tenant policy scope");
        Objects.requireNonNull(policy, "tenant policy document");
        if (!policy.isObject()) {
            throw new IllegalArgumentException("tenant policy " + id + " must be a JSON object");
        }
    }

    /** How rules from this policy are labelled, e.g. {@code tenant policy pol_… (label team=finance)}. */
    public String source() {
        String where = scope.startsWith("label:")
                ? "label " + scope.substring("label:".length())
                : scope.startsWith("agent:") ? "this agent" : "whole tenant";
        return "tenant policy " + id + " (" + where + ")";
    }
}
