package io.enginex.edge.agent.connection;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.AssignedGraphs;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.protocol.ToolDescriptor;
import java.util.List;

/**
 * Applies the tenant policies the hub sends (in {@code welcome} and in {@code policy} frames) and
 * says what to advertise back. Called on the connection's threads, one call at a time per
 * connection; implementations return quickly.
 */
@FunctionalInterface
public interface TenantPolicyHandler {
    /** Ignores tenant policies and advertises nothing. */
    TenantPolicyHandler NONE = policies -> null;

    /**
     * Puts {@code policies} in force.
     *
     * @return what to send in {@code advertise}, or null to send nothing
     */
    Advertisement apply(List<TenantPolicy> policies);

    /**
     * Keeps the graphs the hub assigned to this agent ({@code welcome} or {@code policy} frames that
     * carry them), replacing those it had; by default ignores them.
     *
     * @param tenant the agent's tenant, as the hub's welcome names it
     */
    default void assignGraphs(String tenant, AssignedGraphs graphs) {}

    /** The agent's effective tools and policy after applying tenant policies. */
    record Advertisement(List<ToolDescriptor> tools, String policyHash, JsonNode effectivePolicy) {}
}
