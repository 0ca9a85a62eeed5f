/**
 * Who this agent is: the Ed25519 key pair made on this device at registration, the agent id the hub
 * gave it, and the signed client assertions that prove possession of the key. The private key never
 * leaves the device and never appears in a log, an exception or a {@code toString()}.
 */
package io.enginex.edge.agent.identity;
