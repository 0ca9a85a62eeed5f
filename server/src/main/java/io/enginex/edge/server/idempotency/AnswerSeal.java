package io.enginex.edge.server.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hashes keys and seals stored answers. An answer may hold a secret shown once (a new API key, a
 * registration token), so it is stored encrypted (AES-256-GCM) under a key derived from the hub
 * secret and the client's Idempotency-Key, which is not stored: a copy of the database alone, or of
 * the database and the hub secret, does not reveal it. Thread-safe.
 */
final class AnswerSeal {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final byte[] secret;
    private final SecureRandom random;

    AnswerSeal(byte[] hubSecret, SecureRandom random) {
        if (hubSecret.length < 32) {
            throw new IllegalArgumentException("the hub secret must have at least 32 bytes");
        }
        this.secret = hubSecret.clone();
        this.random = random;
    }

    /** A key in its scope: tenant, principal and the client's key. */
    static String scoped(String tenantId, String principal, String key) {
        return tenantId + "\n" + principal + "\n" + key;
    }

    /** The stored name of a {@link #scoped} key: its HMAC-SHA256 under the hub secret, in hex. */
    String keyHash(String scopedKey) {
        return HexFormat.of().formatHex(hmac(secret, "key\n" + scopedKey));
    }

    String seal(String scopedKey, String answer) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, scopedKey, iv);
            byte[] sealed = cipher.doFinal(answer.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal an idempotent answer: " + e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalStateException when the stored answer does not open with this key and hub secret
     *     (the hub secret file was replaced since it was stored)
     */
    String open(String scopedKey, String sealed) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            byte[] iv = java.util.Arrays.copyOf(all, IV_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, scopedKey, iv);
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "a stored idempotent answer cannot be opened (was hub.secret replaced?); retry with a new"
                            + " Idempotency-Key",
                    e);
        }
    }

    private Cipher cipher(int mode, String scopedKey, byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                mode,
                new SecretKeySpec(hmac(secret, "answer\n" + scopedKey), "AES"),
                new GCMParameterSpec(TAG_BITS, iv));
        return cipher;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
