package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.policy.EffectivePolicy;
import java.nio.file.Path;
import java.util.Map;

/**
 * The tools offered under one effective policy, and how it is described: what a running agent
 * swaps as a whole when its tenant policy changes ({@link CurrentToolbox}).
 *
 * @param policy the effective policy
 * @param registry the tools it allows
 * @param blocked the tools it removed, by name, with the reason a call is refused
 * @param summary the effective policy as {@code policy show --json} prints it, plus {@code
 *     blockedTools} and {@code plugins}: what the agent advertises to the hub
 * @param root the first shared folder, or null (for the hello's policy hash)
 */
public record Toolbox(
        EffectivePolicy policy, ToolRegistry registry, Map<String, String> blocked, ObjectNode summary, Path root) {
    public Toolbox {
        blocked = Map.copyOf(blocked);
    }

    /** How many calls of {@code tool} may run at once under this policy. */
    public int concurrencyOf(String tool) {
        return policy.policy().limits().concurrencyOf(tool);
    }
}
