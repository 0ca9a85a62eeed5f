package io.enginex.edge.server.vault;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the value of a tenant secret the hub holds for a while (until every agent in scope has it, or
 * for good with hub-side storage): AES-256-GCM under a key derived from the hub secret (HMAC-SHA-256 of
 * a fixed label), with the tenant, the secret's id and its version as associated data, so a held value
 * moved to another row does not open. A copy of the database alone reveals nothing; the database and
 * {@code hub.secret} together reveal the values still held. Thread-safe.
 */
final class HeldValues {
    private static final int IV_BYTES = 12;

    private final byte[] key;
    private final SecureRandom random;

    HeldValues(byte[] hubSecret, SecureRandom random) {
        this.random = random;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hubSecret, "HmacSHA256"));
            this.key = mac.doFinal("enginex held tenant secret v1".getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * A keyed tag of a value (HMAC-SHA-256 under a key derived from the hub secret): equal for equal
     * values, so a retried request is recognised, without a plain hash of the value that a guess could be
     * checked against.
     */
    String tag(String tenantId, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(("tag\n" + tenantId + "\n").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    String seal(String tenantId, String secretId, int version, String value) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, iv, tenantId, secretId, version);
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a held secret: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalStateException when it does not open (hub.secret replaced since, or the row changed) */
    String open(String tenantId, String secretId, int version, String held) {
        try {
            byte[] all = Base64.getDecoder().decode(held);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(all, IV_BYTES), tenantId, secretId, version);
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the value the hub holds for secret " + secretId + " does not open (was hub.secret replaced?);"
                            + " define the secret again",
                    e);
        }
    }

    private Cipher cipher(int mode, byte[] iv, String tenantId, String secretId, int version)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD((tenantId + "\n" + secretId + "\n" + version).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
