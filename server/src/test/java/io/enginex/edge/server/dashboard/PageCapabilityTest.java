package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageCapabilityTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final PageCapability capability = new PageCapability(HubSecret.of(new byte[32]), clock);

    @Test
    void capabilityGrantsItsTenantForItsSessionOnly() {
        String t = capability.issue("acme", "ses_1");

        assertThat(capability.verify("ses_1", t)).contains("acme");
        assertThat(capability.verify("ses_2", t)).isEmpty();
    }

    @Test
    void capabilityExpiresAfterSevenDays() {
        String t = capability.issue("acme", "ses_1");
        clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertThat(capability.verify("ses_1", t)).isPresent();

        clock.advance(Duration.ofSeconds(2));
        assertThat(capability.verify("ses_1", t)).isEmpty();
    }

    @Test
    void changedTenantExpiryOrMacIsRefused() {
        String t = capability.issue("acme", "ses_1");
        String[] parts = t.split("\\.");

        assertThat(capability.verify("ses_1", "other." + parts[1] + "." + parts[2]))
                .isEmpty();
        assertThat(capability.verify("ses_1", parts[0] + "." + (Long.parseLong(parts[1]) + 86400) + "." + parts[2]))
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
        String t = new PageCapability(HubSecret.of(other), clock).issue("acme", "ses_1");

        assertThat(capability.verify("ses_1", t)).isEmpty();
    }
}
