package io.enginex.edge.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.common.update.ChannelState;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecisionTest {
    private static ChannelState stable(String version, int percent, boolean paused, List<String> withdrawn) {
        return new ChannelState("stable", version, percent, paused, List.of(version), withdrawn);
    }

    @Test
    void onlyNewerVersionsAreInstalledAndNeverADowngradeUnlessWithdrawn() {
        assertThat(Decision.decide("1.0.0", stable("1.1.0", 100, false, List.of()), Map.of(), 0)
                        .kind())
                .isEqualTo(Decision.Kind.INSTALL);
        assertThat(Decision.decide("1.2.0", stable("1.1.0", 100, false, List.of()), Map.of(), 0)
                        .kind())
                .isEqualTo(Decision.Kind.UP_TO_DATE);
        assertThat(Decision.decide("1.2.0", stable("1.1.0", 100, false, List.of("1.2.0")), Map.of(), 99)
                        .kind())
                .isEqualTo(Decision.Kind.INSTALL);
        assertThat(Decision.decide("1.1.0-rc.1", stable("1.1.0", 100, false, List.of()), Map.of(), 0)
                        .kind())
                .isEqualTo(Decision.Kind.INSTALL);
    }

    @Test
    void pausedRefusedAndNotYetReachedChannelsHold() {
        assertThat(Decision.decide("1.0.0", stable("1.1.0", 100, true, List.of()), Map.of(), 0)
                        .kind())
                .isEqualTo(Decision.Kind.PAUSED);
        assertThat(Decision.decide("1.0.0", stable("1.1.0", 100, false, List.of()), Map.of("1.1.0", "crash loop"), 0)
                        .kind())
                .isEqualTo(Decision.Kind.REFUSED);
        assertThat(Decision.decide("1.0.0", stable("1.1.0", 10, false, List.of()), Map.of(), 10)
                        .kind())
                .isEqualTo(Decision.Kind.WAITING);
        assertThat(Decision.decide("1.0.0", stable("1.1.0", 10, false, List.of()), Map.of(), 9)
                        .kind())
                .isEqualTo(Decision.Kind.INSTALL);
        assertThat(Decision.decide("dev", stable("1.1.0", 100, false, List.of()), Map.of(), 0)
                        .kind())
                .isEqualTo(Decision.Kind.UP_TO_DATE);
    }

    @Test
    void aPausedChannelStillTakesAgentsOffAWithdrawnVersionButOnlyBack() {
        // a halt paused the channel, then the admin rolled 1.2.0 back: 1.2.0 withdrawn, the channel at 1.1.0
        Decision back = Decision.decide("1.2.0", stable("1.1.0", 100, true, List.of("1.2.0")), Map.of(), 0);
        assertThat(back.kind()).isEqualTo(Decision.Kind.INSTALL);
        assertThat(back.version()).isEqualTo("1.1.0");

        // forward stays held, also from a withdrawn version
        assertThat(Decision.decide("1.0.0", stable("1.1.0", 100, true, List.of("1.0.0")), Map.of(), 0)
                        .kind())
                .isEqualTo(Decision.Kind.PAUSED);
        // never back to a version this agent rolled back itself
        assertThat(Decision.decide(
                                "1.2.0", stable("1.1.0", 100, true, List.of("1.2.0")), Map.of("1.1.0", "crash loop"), 0)
                        .kind())
                .isEqualTo(Decision.Kind.PAUSED);
    }

    @Test
    void aPinnedVersionIsInstalledWhenNewerWhateverTheChannelAndRingsButNeverBelowTheRunningOne() {
        ChannelState atTwo = stable("2.0.0", 1, false, List.of());

        assertThat(Decision.decidePinned("1.0.0", "1.4.0", atTwo, Map.of()).kind())
                .isEqualTo(Decision.Kind.INSTALL);
        assertThat(Decision.decidePinned("1.4.0", "1.4.0", atTwo, Map.of()).kind())
                .isEqualTo(Decision.Kind.UP_TO_DATE);
        Decision noDowngrade = Decision.decidePinned("1.5.0", "1.4.0", atTwo, Map.of());
        assertThat(noDowngrade.kind()).isEqualTo(Decision.Kind.UP_TO_DATE);
        assertThat(noDowngrade.why()).contains("no downgrade");
        assertThat(Decision.decidePinned("1.5.0", "1.4.0", stable("2.0.0", 100, false, List.of("1.5.0")), Map.of())
                        .kind())
                .isEqualTo(Decision.Kind.INSTALL);
    }

    @Test
    void aPinnedVersionIsHeldByTheChannelsPauseWithdrawalAndThisAgentsRefusal() {
        assertThat(Decision.decidePinned("1.0.0", "1.4.0", stable("1.4.0", 100, true, List.of()), Map.of())
                        .kind())
                .isEqualTo(Decision.Kind.PAUSED);
        assertThat(Decision.decidePinned("1.0.0", "1.4.0", stable("1.3.0", 100, false, List.of("1.4.0")), Map.of())
                        .kind())
                .isEqualTo(Decision.Kind.UP_TO_DATE);
        assertThat(Decision.decidePinned(
                                "1.0.0", "1.4.0", stable("1.3.0", 100, false, List.of()), Map.of("1.4.0", "crash loop"))
                        .kind())
                .isEqualTo(Decision.Kind.REFUSED);
    }

    @Test
    void bucketsAreFixedPerAgentAndSpreadOverTheRange() {
        assertThat(Decision.bucket("agt_one")).isEqualTo(Decision.bucket("agt_one"));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int b = Decision.bucket("agt_" + i);
            assertThat(b).isBetween(0, 99);
            seen.add(b);
        }
        assertThat(seen).hasSizeGreaterThan(95);
    }
}
