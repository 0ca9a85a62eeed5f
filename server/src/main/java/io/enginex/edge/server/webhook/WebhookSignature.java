package io.enginex.edge.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures in the Standard Webhooks scheme: the secret is {@code whsec_} and the base64 of
 * 32 random bytes; a request's {@code webhook-signature} is {@code v1,} and the base64 of
 * HMAC-SHA256 under those bytes of {@code <webhook-id>.<webhook-timestamp>.<body>}, so a receiver
 * checks the body and its time (and refuses old timestamps against replays). Thread-safe (stateless).
 */
public final class WebhookSignature {
    /** The prefix of every secret. */
    public static final String PREFIX = "whsec_";

    private WebhookSignature() {}

    /** A new secret, shown once to the admin who registers the endpoint. */
    public static String newSecret(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header for a message. */
    public static String sign(String secret, String id, long timestampSeconds, String body) {
        if (!secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }
}
