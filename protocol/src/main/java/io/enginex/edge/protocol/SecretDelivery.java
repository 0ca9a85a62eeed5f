package io.enginex.edge.protocol;

import java.util.Set;

/**
 * Hub → agent: a secret the tenant defined, sealed to this agent's exchange key (added in protocol 1.0
 * without a version change). The agent opens it with {@link SecretSeal#open}, stores it in its vault
 * until {@code cacheSeconds} from now, and answers with a {@link VaultAck} naming {@code deliveryId}.
 *
 * <pre>{@code
 * {"type":"secret","id":"h-50","deliveryId":"sdl_7f3k2a","name":"erp-token","ephemeralKey":"MCowBQYDK2VuAyEA…",
 *  "nonce":"…","ciphertext":"…","cacheSeconds":28800,"use":"auto"}
 * }</pre>
 *
 * <p>The cipher's associated data binds the agent's id, the name and the delivery ({@link
 * SecretSeal#context}): a ciphertext made for another agent, or moved to another name, does not open.
 * The hub sends it only on a connection whose hello carried an exchange key, so an older agent never
 * sees it.
 *
 * @param use {@code auto} (any job the machine policy grants it may use it), {@code approval} (only
 *     a job a person approved on the hub, {@code approvedBy} set) or {@code consent} (each use needs
 *     the consent of the person signed in at the machine, asked through their session; refused when
 *     nobody is there to ask)
 * @param cacheSeconds how long the agent may keep it, 1 s to 366 days
 */
public record SecretDelivery(
        String id,
        String deliveryId,
        String name,
        String ephemeralKey,
        String nonce,
        String ciphertext,
        long cacheSeconds,
        String use)
        implements Message {
    public static final String TYPE = "secret";

    /** The ways a secret may be used. */
    public static final Set<String> USES = Set.of("auto", "approval", "consent");

    /** The longest a secret may be cached: 366 days. */
    public static final long MAX_CACHE_SECONDS = 366L * 24 * 3600;

    public SecretDelivery {
        Messages.requireText(id, "id");
        Messages.requireText(deliveryId, "deliveryId");
        Messages.requireText(name, "name");
        Messages.requireText(ephemeralKey, "ephemeralKey");
        Messages.requireText(nonce, "nonce");
        Messages.requireText(ciphertext, "ciphertext");
        if (cacheSeconds < 1 || cacheSeconds > MAX_CACHE_SECONDS) {
            throw new IllegalArgumentException(
                    "cacheSeconds must be between 1 and " + MAX_CACHE_SECONDS + ", got " + cacheSeconds);
        }
        use = use == null ? "auto" : use;
        if (!USES.contains(use)) {
            throw new IllegalArgumentException("use must be auto, approval or consent, got " + use);
        }
    }

    /** The sealed value as {@link SecretSeal#open} takes it. */
    public SecretSeal.Sealed sealed() {
        return new SecretSeal.Sealed(ephemeralKey, nonce, ciphertext);
    }
}
