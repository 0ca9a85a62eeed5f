package io.enginex.edge.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets (API keys {@code exk_}, registration tokens {@code exr_}, access tokens {@code
 * exa_}): 32 random bytes, base64url without padding, behind a prefix that says what the secret is
 * for. Only {@link #hash(String)} of a secret is ever stored. Thread-safe.
 */
public final class Secrets {
    /** Prefix of API keys. */
    public static final String API_KEY_PREFIX = "exk_";

    /** Prefix of registration tokens. */
    public static final String REGISTRATION_TOKEN_PREFIX = "exr_";

    /** Prefix of WebSocket access tokens. */
    public static final String ACCESS_TOKEN_PREFIX = "exa_";

    private static final int SECRET_BYTES = 32;

    private final SecureRandom random;

    public Secrets(SecureRandom random) {
        this.random = random;
    }

    /** A new secret: {@code prefix} followed by 256 random bits in base64url. */
    public String newSecret(String prefix) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the secret's UTF-8 bytes: what the database keeps. */
    public static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Compares two strings in time independent of where they differ. */
    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
