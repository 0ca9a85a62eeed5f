/**
 * How the agent reaches the hub: the hub's address and the loopback-only rule for plain HTTP ({@link
 * io.enginex.edge.agent.transport.HubEndpoint}), which certificates to trust ({@link
 * io.enginex.edge.agent.transport.TrustSettings}), proxies from the environment, and the one HTTP
 * client that registration and the connection share ({@link io.enginex.edge.agent.transport.HubClient}).
 */
package io.enginex.edge.agent.transport;
