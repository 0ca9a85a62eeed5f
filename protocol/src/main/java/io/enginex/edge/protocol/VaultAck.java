package io.enginex.edge.protocol;

import java.util.Set;

/**
 * Agent → hub: what became of a {@link SecretDelivery}, a {@link VaultWipe} or a {@link SecretRemoval} (added in protocol 1.0
 * without a version change).
 *
 * <pre>{@code
 * {"type":"vault-ack","id":"a-8","ref":"sdl_7f3k2a","outcome":"stored"}
 * {"type":"vault-ack","id":"a-9","ref":"sdl_7f3k2b","outcome":"refused","message":"the secret does not open with this device's key"}
 * {"type":"vault-ack","id":"a-10","ref":"vwp_8c1d2e","outcome":"wiped"}
 * {"type":"vault-ack","id":"a-11","ref":"srm_4b9e1c","outcome":"removed"}
 * }</pre>
 *
 * @param ref the {@code deliveryId}, {@code wipeId} or {@code removalId} answered
 * @param outcome {@code stored} (the secret is in the vault), {@code refused} (it was not stored;
 *     {@code message} says why, never with the value), {@code wiped} or {@code removed} (the delivered
 *     secret is no longer in the vault, or never was)
 * @param message why, for {@code refused}; at most 1,000 characters
 */
public record VaultAck(String id, String ref, String outcome, String message) implements Message {
    public static final String TYPE = "vault-ack";

    public static final String STORED = "stored";
    public static final String REFUSED = "refused";
    public static final String WIPED = "wiped";
    public static final String REMOVED = "removed";

    private static final Set<String> OUTCOMES = Set.of(STORED, REFUSED, WIPED, REMOVED);

    public VaultAck {
        Messages.requireText(id, "id");
        Messages.requireText(ref, "ref");
        if (!OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("outcome must be stored, refused, wiped or removed, got " + outcome);
        }
        if (message != null && message.length() > 1000) {
            message = message.substring(0, 1000);
        }
    }
}
