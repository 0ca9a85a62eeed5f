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
 * follows agents as they come and go. Any role of the tenant may list.
 */
final class McpTools {
    private final Agents agents;
    private final AgentStates states;
    private final ObjectMapper mapper;

    McpTools(Agents agents, AgentStates states, ObjectMapper mapper) {
        this.agents = agents;
        this.states = states;
        this.mapper = mapper;
    }

    /** The caller's tenant's agent tools, named. */
    List<AgentTool> online(Caller caller) {
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
