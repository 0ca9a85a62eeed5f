package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.FakePageLinkStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageCapabilityTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final FakePageLinkStore store = new FakePageLinkStore();
    private final PageCapability capability = capability(new byte[32], Duration.ofDays(7));

    private PageCapability capability(byte[] secret, Duration lifetime) {
        return new PageCapability(
                HubSecret.of(secret), store, new IdGenerator(clock, new SecureRandom()), clock, lifetime);
    }

    @Test
    void capabilityGrantsItsTenantForItsSessionOnly() {
        String t = capability.issue("acme", "ses_1", "key_a");

        assertThat(capability.verify("ses_1", t)).contains("acme");
        assertThat(capability.verify("ses_2", t)).isEmpty();
    }

    @Test
    void theSameHolderGetsTheSameLinkAndAnotherHolderItsOwn() {
        String first = capability.issue("acme", "ses_1", "key_a");
        clock.advance(Duration.ofHours(1));

        assertThat(capability.issue("acme", "ses_1", "key_a")).isEqualTo(first);
        assertThat(capability.issue("acme", "ses_1", "usr_b")).isNotEqualTo(first);
        assertThat(capability.list("acme", "ses_1")).hasSize(2);
    }

    @Test
    void capabilityExpiresAfterItsLifetimeAndANewOneIsIssuedThen() {
        PageCapability hourly = capability(new byte[32], Duration.ofHours(1));
        String t = hourly.issue("acme", "ses_1", "key_a");
        clock.advance(Duration.ofHours(1).minusSeconds(1));
        assertThat(hourly.verify("ses_1", t)).isPresent();

        clock.advance(Duration.ofSeconds(2));
        assertThat(hourly.verify("ses_1", t)).isEmpty();
        String renewed = hourly.issue("acme", "ses_1", "key_a");
        assertThat(renewed).isNotEqualTo(t);
        assertThat(hourly.verify("ses_1", renewed)).contains("acme");
    }

    @Test
    void aRevokedLinkStopsAtOnceAndTheHolderGetsANewOne() {
        String t = capability.issue("acme", "ses_1", "key_a");
        String id = t.split("\\.")[1];

        var revoked = capability.revoke("acme", "ses_1", id, "usr_admin");

        assertThat(revoked.revokedBy()).isEqualTo("usr_admin");
        assertThat(capability.verify("ses_1", t)).isEmpty();
        assertThat(capability.issue("acme", "ses_1", "key_a")).isNotEqualTo(t);
    }

    @Test
    void anotherTenantOrSessionCannotRevokeTheLink() {
        String id = capability.issue("acme", "ses_1", "key_a").split("\\.")[1];

        assertThatThrownBy(() -> capability.revoke("other", "ses_1", id, "usr_x"))
                .isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> capability.revoke("acme", "ses_2", id, "usr_x"))
                .isInstanceOf(HubException.NotFound.class);
        assertThat(capability.list("acme", "ses_1").getFirst().revokedAt()).isNull();
    }

    @Test
    void changedTenantLinkOrMacIsRefused() {
        String t = capability.issue("acme", "ses_1", "key_a");
        String[] parts = t.split("\\.");

        assertThat(capability.verify("ses_1", "other." + parts[1] + "." + parts[2]))
                .isEmpty();
        assertThat(capability.verify("ses_1", parts[0] + ".pgl_other." + parts[2]))
                .isEmpty();
        assertThat(capability.verify(
                        "ses_1",
                        parts[0] + "." + parts[1] + "."
                                + parts[2].replace(parts[2].charAt(0), parts[2].charAt(0) == 'A' ? 'B' : 'A')))
                .isEmpty();
        assertThat(capability.verify("ses_1", null)).isEmpty();
        assertThat(capability.verify("ses_1", "garbage")).isEmpty();
    }

    @Test
    void anotherHubSecretDoesNotVerify() {
        byte[] other = new byte[32];
        other[0] = 1;
        String t = capability(other, Duration.ofDays(7)).issue("acme", "ses_1", "key_a");

        assertThat(capability.verify("ses_1", t)).isEmpty();
    }
}
