package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.oauth.OAuth;
import java.util.function.Supplier;

/**
 * What the MCP endpoint is built from: the services it calls and the few parts beside them.
 *
 * @param toolRules which tools each role of a tenant may use
 * @param keys and {@code oauth} authenticate the callers (API keys, OAuth access tokens)
 * @param audit for the {@code mcp-session.started} event
 * @param baseUrl the hub's URL, for the approval page's link
 * @param version this build's version, the server version {@code initialize} answers
 */
public record McpParts(
        Jobs jobs,
        Agents agents,
        AgentStates states,
        McpToolRules toolRules,
        IdempotentCreates creates,
        Audit audit,
        ApiKeys keys,
        OAuth oauth,
        ObjectMapper mapper,
        Supplier<String> baseUrl,
        String version) {}
