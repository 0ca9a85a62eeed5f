package io.enginex.edge.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * The fingerprint of an agent's device key, in the one form both sides show it: {@code
 * SHA256:<base64 without padding>} of the key's X.509 SubjectPublicKeyInfo DER, as OpenSSH shows key
 * fingerprints. The agent prints it ({@code enginex-agent register}, {@code identity show}); the hub
 * shows it where an admin approves the device (dashboard, {@code engine devices show}) and in audit
 * events, so a person can compare the two character by character.
 */
public final class KeyFingerprint {
    private KeyFingerprint() {}

    /** The fingerprint of {@code key}. */
    public static String of(PublicKey key) {
        return ofSpki(key.getEncoded());
    }

    /**
     * The fingerprint of a key sent as base64 SPKI (the {@code publicKey} field of registration).
     *
     * @throws IllegalArgumentException if {@code base64Spki} is not base64
     */
    public static String ofBase64(String base64Spki) {
        return ofSpki(Base64.getDecoder().decode(base64Spki));
    }

    /** The fingerprint of a key's SPKI DER bytes. */
    public static String ofSpki(byte[] spki) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(spki);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime lacks SHA-256", e);
        }
    }
}
