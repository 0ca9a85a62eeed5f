package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.HubSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links that open one session's page without a login: {@code t = <tenant>.<expiry>.<mac>}, where
 * mac is HMAC-SHA256 over tenant, session id and expiry (epoch seconds) with the hub's secret. Valid
 * for {@link #VALIDITY}. Thread-safe.
 */
public final class PageCapability {
    public static final Duration VALIDITY = Duration.ofDays(7);

    private final byte[] key;
    private final Clock clock;

    public PageCapability(HubSecret secret, Clock clock) {
        this.key = secret.bytes();
        this.clock = clock;
    }

    /** A capability for {@code sessionId} of {@code tenantId}, valid from now for {@link #VALIDITY}. */
    public String issue(String tenantId, String sessionId) {
        long expiry = clock.instant().plus(VALIDITY).getEpochSecond();
        return tenantId + "." + expiry + "." + mac(tenantId, sessionId, expiry);
    }

    /**
     * The tenant a capability grants for {@code sessionId}, if it is genuine and not expired.
     *
     * @return empty for a missing, malformed, forged, foreign or expired capability
     */
    public Optional<String> verify(String sessionId, String capability) {
        if (capability == null || sessionId == null || capability.length() > 256) {
            return Optional.empty();
        }
        String[] parts = capability.split("\\.", -1);
        if (parts.length != 3 || !parts[1].matches("\\d{1,12}")) {
            return Optional.empty();
        }
        long expiry = Long.parseLong(parts[1]);
        if (Instant.ofEpochSecond(expiry).isBefore(clock.instant())) {
            return Optional.empty();
        }
        byte[] expected = mac(parts[0], sessionId, expiry).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = parts[2].getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual) ? Optional.of(parts[0]) : Optional.empty();
    }

    private String mac(String tenantId, String sessionId, long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // Length-prefixed fields, so "a|bc" and "ab|c" can never sign the same bytes.
            String message = "session-page\n" + tenantId.length() + ":" + tenantId + "\n" + sessionId.length() + ":"
                    + sessionId + "\n" + expiry;
            byte[] digest = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }
}
