package io.enginex.edge.server.mcp;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.ToolCatalogue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the hub names an agent's tool for MCP: {@code <agent>__<tool>}, within MCP's widely accepted
 * {@code [a-zA-Z0-9_-]{1,64}}. {@code <agent>} is the agent's host name in lower case with every run
 * of other characters than letters, digits and {@code -} made one {@code -} (at most {@value
 * #MAX_HOST} characters), or the agent id ({@code agt_…}) when that name is empty, is {@value
 * #HUB_PREFIX} (the hub's own tools) or is shared by another online agent of the tenant; {@code <tool>}
 * is the tool's name with {@code .} as {@code _} ({@code fs.read} → {@code fs_read}). A tool whose name
 * would be longer than 64 characters, or equal to one listed before it, is left out.
 */
final class ToolNames {
    static final String SEPARATOR = "__";
    static final int MAX_NAME = 64;
    static final int MAX_HOST = 32;
    /** The prefix of the hub's own tools, never an agent's. */
    static final String HUB_PREFIX = "enginex";

    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_-]{1," + MAX_NAME + "}");
    private static final Pattern OTHER = Pattern.compile("[^a-z0-9-]+");

    private ToolNames() {}

    /** The tools of {@code agents} (the tenant's online ones), ordered by agent name, then as offered. */
    static List<AgentTool> name(List<Agent> agents) {
        Map<String, Integer> hosts = new HashMap<>();
        agents.forEach(a -> hosts.merge(host(a.hostname()), 1, Integer::sum));
        List<AgentTool> named = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        agents.stream()
                .sorted(Comparator.comparing(Agent::hostname, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(Agent::id))
                .forEach(agent -> {
                    String host = host(agent.hostname());
                    String prefix =
                            host.isEmpty() || host.equals(HUB_PREFIX) || hosts.get(host) > 1 ? agent.id() : host;
                    for (ToolCatalogue.Tool tool : agent.tools().tools()) {
                        String name = prefix + SEPARATOR + tool.name().replace('.', '_');
                        if (VALID.matcher(name).matches() && taken.add(name)) {
                            named.add(new AgentTool(name, agent, tool));
                        }
                    }
                });
        return named;
    }

    static String host(String hostname) {
        String host = OTHER.matcher(hostname == null ? "" : hostname.toLowerCase(Locale.ROOT))
                .replaceAll("-");
        host = host.replaceAll("^-+|-+$", "");
        return host.length() > MAX_HOST ? host.substring(0, MAX_HOST).replaceAll("-+$", "") : host;
    }
}
