package io.enginex.edge.server.sso;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals short texts with AES-256-GCM under a key derived from the hub secret for one purpose (an
 * HMAC-SHA256 of {@code "enginex <purpose> v1"} under it), so every node sharing {@code hub.secret}
 * opens what another sealed, and a copy of the database alone opens nothing. A context (the tenant,
 * issuer and client id a secret belongs to) is bound as associated data: a sealed value copied to
 * another context does not open. Thread-safe.
 */
public final class Seal {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public Seal(byte[] hubSecret, String purpose, SecureRandom random) {
        if (hubSecret.length < 32) {
            throw new IllegalArgumentException("the hub secret must have at least 32 bytes");
        }
        this.key = new SecretKeySpec(hmac(hubSecret, "enginex " + purpose + " v1"), "AES");
        this.random = random;
    }

    /** {@code plaintext} sealed in {@code context}, as base64url without padding (cookie-safe). */
    public String seal(String context, String plaintext) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            byte[] sealed =
                    cipher(Cipher.ENCRYPT_MODE, context, iv).doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /**
     * What {@link #seal} sealed in this context, or empty when {@code sealed} was not sealed by this
     * key in this context (altered, another context, another hub secret, or not base64url).
     */
    public Optional<String> open(String context, String sealed) {
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            byte[] all = Base64.getUrlDecoder().decode(sealed);
            if (all.length <= IV_BYTES) {
                return Optional.empty();
            }
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, context, Arrays.copyOf(all, IV_BYTES));
            return Optional.of(
                    new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Cipher cipher(int mode, String context, byte[] iv) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
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
