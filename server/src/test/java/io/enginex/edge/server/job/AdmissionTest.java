package io.enginex.edge.server.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.testing.FakeClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T12:00:00Z"));

    @Test
    void aTenantAloneMayUseTheWholeCapacityAndNoMore() {
        Admission admission = new Admission(3, clock);
        admission.enter("acme");
        admission.enter("acme");
        admission.enter("acme");

        assertThatThrownBy(() -> admission.enter("acme")).isInstanceOfSatisfying(HubException.Overloaded.class, e -> {
            assertThat(e.code()).isEqualTo("overloaded");
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.retryAfterSeconds()).isEqualTo(1);
            assertThat(e.getMessage())
                    .contains("nothing was created")
                    .contains("same Idempotency-Key")
                    .contains("--max-concurrent-jobs");
        });
        assertThat(admission.inFlight()).isEqualTo(3);
        assertThat(admission.refused()).isEqualTo(1);
    }

    @Test
    void aSecondTenantGetsTheRoomTheFirstFreesAndTheFirstIsHeldToItsShare() {
        Admission admission = new Admission(4, clock);
        var a1 = admission.enter("acme");
        admission.enter("acme");
        admission.enter("acme");
        admission.enter("acme");

        // the node is full: the newcomer waits for room, but acme may not take the room back
        assertThatThrownBy(() -> admission.enter("other")).isInstanceOf(HubException.Overloaded.class);
        a1.close();
        // acme holds 3 and there are two tenants wanting in: its share is 2
        assertThatThrownBy(() -> admission.enter("acme")).isInstanceOf(HubException.Overloaded.class);
        admission.enter("other");

        assertThat(admission.inFlight()).isEqualTo(4);
    }

    @Test
    void aRefusedTenantStopsCountingOnceItNoLongerRetries() {
        Admission admission = new Admission(2, clock);
        var a = admission.enter("acme");
        admission.enter("acme");
        assertThatThrownBy(() -> admission.enter("other")).isInstanceOf(HubException.Overloaded.class);
        a.close();
        assertThatThrownBy(() -> admission.enter("acme"))
                .as("other still wants in: acme holds its share of 1")
                .isInstanceOf(HubException.Overloaded.class);

        clock.advance(Admission.CONTENDING.plusSeconds(1));

        admission.enter("acme");
        assertThat(admission.inFlight()).isEqualTo(2);
    }

    @Test
    void twoBusyTenantsSplitTheCapacity() {
        Admission admission = new Admission(4, clock);
        admission.enter("acme");
        admission.enter("other");
        admission.enter("acme");
        admission.enter("other");

        assertThatThrownBy(() -> admission.enter("acme")).isInstanceOf(HubException.Overloaded.class);
        assertThatThrownBy(() -> admission.enter("other")).isInstanceOf(HubException.Overloaded.class);
    }

    @Test
    void aPermitGivesItsPlaceBackOnceHoweverOftenItIsClosed() {
        Admission admission = new Admission(2, clock);
        var permit = admission.enter("acme");
        admission.enter("acme");

        permit.close();
        permit.close();

        assertThat(admission.inFlight()).isEqualTo(1);
        admission.enter("acme");
        assertThatThrownBy(() -> admission.enter("acme")).isInstanceOf(HubException.Overloaded.class);
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new Admission(0, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
