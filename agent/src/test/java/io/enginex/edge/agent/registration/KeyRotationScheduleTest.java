package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.testing.TestIdentities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class KeyRotationScheduleTest {
    private static final Instant KEY_MADE = Instant.parse("2026-01-01T00:00:00Z");

    private static AgentIdentity identity() {
        AgentIdentity registered = TestIdentities.create("agt_1", "https://hub.example");
        assertThat(registered.keyCreatedAt()).isEqualTo(KEY_MADE);
        return registered;
    }

    private static KeyRotationSchedule thirtyDaysAt(Instant now) {
        return KeyRotationSchedule.every(Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aYoungKeyWaitsUntilItIsDueButNeverLongerThanAnHourAtATime() {
        assertThat(thirtyDaysAt(KEY_MADE.plus(Duration.ofDays(1))).untilDue(identity()))
                .contains(Duration.ofHours(1));
        assertThat(thirtyDaysAt(KEY_MADE.plus(Duration.ofDays(30)).minusSeconds(90))
                        .untilDue(identity()))
                .contains(Duration.ofSeconds(90));
    }

    @Test
    void aKeyAsOldAsTheScheduleOrOlderIsDueNow() {
        assertThat(thirtyDaysAt(KEY_MADE.plus(Duration.ofDays(30))).untilDue(identity()))
                .contains(Duration.ZERO);
        assertThat(thirtyDaysAt(KEY_MADE.plus(Duration.ofDays(400))).untilDue(identity()))
                .contains(Duration.ZERO);
    }

    @Test
    void theAgeCountsFromTheLastRotationNotFromRegistration() {
        AgentIdentity registered = identity();
        AgentIdentity rotated = new AgentIdentity(
                registered.agentId(),
                registered.tenant(),
                registered.labels(),
                registered.hubs(),
                registered.trust(),
                registered.publicKey(),
                registered.privateKey(),
                registered.registeredAt(),
                KEY_MADE.plus(Duration.ofDays(29)));

        assertThat(thirtyDaysAt(KEY_MADE.plus(Duration.ofDays(31))).untilDue(rotated))
                .contains(Duration.ofHours(1));
    }

    @Test
    void zeroTurnsTheScheduleOffAndNegativeIsRefused() {
        KeyRotationSchedule off = KeyRotationSchedule.every(Duration.ZERO, Clock.fixed(KEY_MADE, ZoneOffset.UTC));

        assertThat(off.enabled()).isFalse();
        assertThat(off.untilDue(identity())).isEmpty();
        assertThatThrownBy(() -> KeyRotationSchedule.every(Duration.ofDays(-1), Clock.systemUTC()))
                .hasMessageContaining("0 turns rotation off");
    }

    @Test
    void aFailedRotationIsRetriedAfterTenMinutesOrSoonerForShortSchedules() {
        assertThat(KeyRotationSchedule.every(Duration.ofDays(30), Clock.systemUTC())
                        .retryAfterFailure())
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(KeyRotationSchedule.every(Duration.ofSeconds(5), Clock.systemUTC())
                        .retryAfterFailure())
                .isEqualTo(Duration.ofSeconds(5));
    }
}
