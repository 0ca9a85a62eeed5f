package io.enginex.edge.protocol;

/**
 * Hub → agent: remove the secret {@code name} the hub delivered earlier, because the tenant deleted
 * it, or a new version no longer applies to this agent (added in protocol 1.0 without a version
 * change). The agent removes it from its vault only if the hub delivered it (a secret of that name set
 * on the machine stays), then answers with a {@link VaultAck} {@code removed} naming {@code removalId}.
 * The hub keeps the request until it is acknowledged and sends it again after every reconnect, before
 * any {@link SecretDelivery}.
 *
 * <pre>{@code
 * {"type":"secret-remove","id":"h-70","removalId":"srm_4b9e1c","name":"erp-token"}
 * }</pre>
 */
public record SecretRemoval(String id, String removalId, String name) implements Message {
    public static final String TYPE = "secret-remove";

    public SecretRemoval {
        Messages.requireText(id, "id");
        Messages.requireText(removalId, "removalId");
        Messages.requireText(name, "name");
    }
}
