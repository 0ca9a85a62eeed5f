package io.enginex.edge.agent.identity;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A device key that a rotation has offered to the hub but whose answer this agent has not seen yet.
 * It is saved in {@code identity.json} beside the current key before the hub is asked, so that an
 * answer lost on the way back (the hub stopped, the network dropped, a 5xx after the commit) cannot
 * lock the agent out: the next connection signs with whichever of the two keys the hub accepts.
 * {@link #toString()} shows the fingerprint, never the key.
 *
 * @param createdAt when the key was made; it becomes the identity's {@code keyCreatedAt} once adopted
 */
public record PendingKey(PublicKey publicKey, PrivateKey privateKey, Instant createdAt) {
    public PendingKey {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static PendingKey of(KeyPair keys, Instant createdAt) {
        return new PendingKey(keys.getPublic(), keys.getPrivate(), createdAt);
    }

    public String fingerprint() {
        return AgentIdentity.fingerprint(publicKey);
    }

    @Override
    public String toString() {
        return "PendingKey[key=" + fingerprint() + ", createdAt=" + createdAt + "]";
    }
}
