package io.enginex.edge.server.mcp;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.ToolCatalogue;

/**
 * One tool of one online agent, under the name MCP clients see ({@link ToolNames}).
 *
 * @param mcpName e.g. {@code laptop-07__fs_read}
 */
record AgentTool(String mcpName, Agent agent, ToolCatalogue.Tool tool) {}
