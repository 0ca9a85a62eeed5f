/**
 * The local credential vault: named secrets sealed in {@code vault.json} in the agent's state folder
 * (AES-256-GCM with a key from the OS keystore, {@link io.enginex.edge.agent.vault.VaultKeys}),
 * resolved by name at the last moment of a tool call and redacted from everything it returns.
 */
package io.enginex.edge.agent.vault;
