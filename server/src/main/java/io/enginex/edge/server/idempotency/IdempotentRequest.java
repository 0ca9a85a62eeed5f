package io.enginex.edge.server.idempotency;

import io.enginex.edge.server.HubException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A create request as the idempotency check sees it. A key is scoped by tenant and principal, so two
 * callers can use the same key without meeting; method, path and body make the request's
 * fingerprint, so the same key on another request is refused instead of answered wrongly.
 *
 * @param key the {@code Idempotency-Key} header, or null when the request has none
 * @param principal who calls: an API key's or user's id
 */
public record IdempotentRequest(
        String tenantId, String principal, String key, String method, String path, byte[] body) {
    /** The longest key accepted; a UUID has 36 characters. */
    public static final int MAX_KEY_LENGTH = 255;

    public IdempotentRequest {
        if (tenantId == null || principal == null || method == null || path == null) {
            throw new IllegalArgumentException("tenant, principal, method and path are required");
        }
        body = body == null ? new byte[0] : body.clone();
        if (key != null) {
            key = key.strip();
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !printableAscii(key)) {
                throw new HubException.BadRequest(
                        "invalid_idempotency_key",
                        "the Idempotency-Key header must be 1 to " + MAX_KEY_LENGTH
                                + " printable ASCII characters; send a new random UUID per request, e.g. "
                                + "Idempotency-Key: 8e03978e-40d5-43e8-bc93-6894a57f9324");
            }
        }
    }

    /** SHA-256 of method, path and body: equal for a true retry, different for another request. */
    String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((method + " " + path + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdempotentRequest r
                && tenantId.equals(r.tenantId)
                && principal.equals(r.principal)
                && java.util.Objects.equals(key, r.key)
                && method.equals(r.method)
                && path.equals(r.path)
                && java.util.Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(tenantId, principal, key, method, path, java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "IdempotentRequest[" + method + " " + path + ", tenant=" + tenantId + ", principal=" + principal
                + ", key=" + (key == null ? "none" : "present") + "]";
    }

    private static boolean printableAscii(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
