package io.enginex.edge.protocol;

/**
 * Hub → agent: a tenant admin asked to wipe this agent's vault (added in protocol 1.0 without a version
 * change). The agent deletes its vault and the vault's key, then answers with a {@link VaultAck}
 * naming {@code wipeId}. The hub keeps the request until it is acknowledged and sends it again after
 * every reconnect, so an agent that was offline wipes when it comes back.
 *
 * <pre>{@code
 * {"type":"wipe","id":"h-60","wipeId":"vwp_8c1d2e"}
 * }</pre>
 */
public record VaultWipe(String id, String wipeId) implements Message {
    public static final String TYPE = "wipe";

    public VaultWipe {
        Messages.requireText(id, "id");
        Messages.requireText(wipeId, "wipeId");
    }
}
