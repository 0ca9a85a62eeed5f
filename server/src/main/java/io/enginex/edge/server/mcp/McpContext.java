package io.enginex.edge.server.mcp;

import io.enginex.edge.server.auth.Caller;

/**
 * What {@link McpAccess} learned about one HTTP request to {@code /mcp}, handed to the MCP handlers
 * through the SDK's transport context.
 *
 * @param caller the tenant API key, or the user of the OAuth access token, that authenticated the request
 * @param rpcId the JSON-RPC id of the request as JSON text ({@code 7}, {@code "abc"}), or null for a
 *     notification, a response or a batch
 * @param sourceIp the client's address, for audit events
 */
record McpContext(Caller caller, String rpcId, String sourceIp) {
    /** The key of this record in the request's attributes and in the SDK's transport context. */
    static final String KEY = "enginex.mcp";
}
