package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.store.Agent;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MCP tools a caller sees: every tool of its tenant's online agents (connected to this hub node
 * and not unresponsive; revoked agents never), named by {@link ToolNames}, with the agent's JSON
 * Schema and description, plus the hub's own {@link JobResults#TOOL}. Read per request, so the list
 * follows agents as they come and go. Any role of the tenant may list; the tenant's {@link ToolRules}
 * decide which tools each role sees and may call.
 */
final class McpTools {
    private final Agents agents;
    private final AgentStates states;
    private final McpToolRules rules;
    private final ObjectMapper mapper;

    McpTools(Agents agents, AgentStates states, McpToolRules rules, ObjectMapper mapper) {
        this.agents = agents;
        this.states = states;
        this.rules = rules;
        this.mapper = mapper;
    }

    /** The caller's tenant's agent tools, named, that the tenant's tool rules let the caller's role use. */
    List<AgentTool> online(Caller caller) {
        ToolRules mine = rules.of(caller.tenantId());
        return offered(caller).stream()
                .filter(t -> mine.allows(caller.role(), t.tool().name(), t.mcpName()))
                .toList();
    }

    /** Whether one of the tenant's online agents offers {@code mcpName}, whatever the tool rules say. */
    boolean offered(Caller caller, String mcpName) {
        return offered(caller).stream().anyMatch(t -> t.mcpName().equals(mcpName));
    }

    /** Every tool of the caller's tenant's online agents, named. */
    private List<AgentTool> offered(Caller caller) {
        String tenant = caller.tenantId();
        List<Agent> online = agents.list(caller, tenant).stream()
                .filter(a -> !a.revoked())
                .filter(a -> {
                    AgentState state = states.of(tenant, a.id()).state();
                    return state == AgentState.ONLINE || state == AgentState.BUSY;
                })
                .toList();
        return ToolNames.name(online);
    }

    /** The tool the caller's client named, if one of its tenant's online agents offers it now. */
    Optional<AgentTool> find(Caller caller, String mcpName) {
        return online(caller).stream().filter(t -> t.mcpName().equals(mcpName)).findFirst();
    }

    McpSchema.ListToolsResult list(Caller caller) {
        List<McpSchema.Tool> tools = new ArrayList<>();
        for (AgentTool t : online(caller)) {
            tools.add(describe(t));
        }
        tools.add(JobResults.TOOL);
        return McpSchema.ListToolsResult.builder(tools).build();
    }

    @SuppressWarnings("unchecked")
    private McpSchema.Tool describe(AgentTool t) {
        Agent agent = t.agent();
        String approval = t.tool().approval() == null ? "" : " Some calls need a person's approval on the hub.";
        String description =
                (t.tool().description().isBlank() ? t.tool().title() : t.tool().description())
                        + " Runs as " + t.tool().name() + " on " + agent.hostname() + " (EngineX agent " + agent.id()
                        + ", " + agent.os() + "; risk " + t.tool().risk() + ")." + approval;
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("io.enginex/agentId", agent.id());
        meta.put("io.enginex/hostname", agent.hostname());
        meta.put("io.enginex/tool", t.tool().name());
        return McpSchema.Tool.builder(t.mcpName(), (Map<String, Object>)
                        mapper.convertValue(t.tool().inputSchema(), Map.class))
                .title(t.tool().title() + " on " + agent.hostname())
                .description(description)
                .meta(meta)
                .build();
    }
}
