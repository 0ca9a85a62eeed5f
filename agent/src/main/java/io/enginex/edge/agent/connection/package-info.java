/**
 * The agent's single outbound connection to its hub ({@link
 * io.enginex.edge.agent.connection.HubConnection}): access token, WebSocket upgrade, hello/welcome,
 * heartbeats, and reconnecting with exponential backoff and full jitter ({@link
 * io.enginex.edge.agent.connection.Backoff}). See {@code agent/CONCURRENCY.md} for who owns which
 * thread.
 */
package io.enginex.edge.agent.connection;
