package io.enginex.edge.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The hub's signatures against the verifier written from the Standard Webhooks specification. */
class WebhookSignatureTest {
    @Test
    void aSignatureVerifiesAndAnyChangeBreaksIt() throws Exception {
        String secret = WebhookSignature.newSecret(new SecureRandom());
        long now = Instant.now().getEpochSecond();
        String body = "{\"type\":\"job.finished\"}";
        String signature = WebhookSignature.sign(secret, "msg_1", now, body);
        assertThat(signature).startsWith("v1,");
        String ts = Long.toString(now);
        assertThat(StandardWebhooksVerifier.verify(secret, "msg_1", ts, signature, body, Instant.now()))
                .isTrue();
        assertThat(StandardWebhooksVerifier.verify(secret, "msg_2", ts, signature, body, Instant.now()))
                .isFalse();
        assertThat(StandardWebhooksVerifier.verify(
                        secret, "msg_1", Long.toString(now - 1), signature, body, Instant.now()))
                .isFalse();
        assertThat(StandardWebhooksVerifier.verify(
                        WebhookSignature.newSecret(new SecureRandom()), "msg_1", ts, signature, body, Instant.now()))
                .isFalse();
        assertThat(StandardWebhooksVerifier.verify(
                        secret, "msg_1", ts, signature, body, Instant.now().plusSeconds(600)))
                .as("an old timestamp is refused")
                .isFalse();
    }

    @Test
    void theKnownAnswerOfTheSpecificationsExampleMatches() {
        // The example of the Standard Webhooks specification (its README's "Signature scheme").
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String body = "{\"test\": 2432232314}";
        assertThat(WebhookSignature.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
