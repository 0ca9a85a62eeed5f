package io.enginex.edge.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetOptionsTest {
    @Test
    void largeFleetsGetOneSourceAddressPer500AgentsSoTheHubsPerAddressTokenBudgetHolds() {
        assertThat(FleetOptions.parse(new String[] {"--agents", "300"}).addresses())
                .isEqualTo(4);
        assertThat(FleetOptions.parse(new String[] {"--agents", "5000"}).addresses())
                .isEqualTo(10);
        assertThat(FleetOptions.parse(new String[] {"--agents", "20000"}).addresses())
                .isEqualTo(40);
        assertThat(FleetOptions.parse(new String[] {"--agents", "5000", "--addresses", "2"})
                        .addresses())
                .isEqualTo(2);
    }

    @Test
    void unknownScenariosAndOptionsAreRefusedWithAPointerToHelp() {
        assertThatThrownBy(() -> FleetOptions.parse(new String[] {"--scenario", "storm"}))
                .hasMessageContaining("connect, reconnect-storm or overload");
        assertThatThrownBy(() -> FleetOptions.parse(new String[] {"--agent", "5"}))
                .hasMessageContaining("--help");
        assertThat(FleetOptions.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void theOverloadScenarioTakesTheHubsCapacity() {
        FleetOptions o = FleetOptions.parse(
                new String[] {"--scenario", "overload", "--rate", "400", "--max-concurrent-jobs", "16"});

        assertThat(o.scenario()).isEqualTo("overload");
        assertThat(o.maxConcurrentJobs()).isEqualTo(16);
        assertThat(FleetOptions.parse(new String[] {}).maxConcurrentJobs())
                .as("the hub's own default")
                .isZero();
        assertThat(FleetOptions.parse(new String[] {}).via()).isEqualTo("rest");
        assertThat(FleetOptions.parse(new String[] {"--via", "channel"}).via()).isEqualTo("channel");
        assertThatThrownBy(() -> FleetOptions.parse(new String[] {"--via", "grpc"}))
                .hasMessageContaining("rest or channel");
    }

    @Test
    void sourceAddressesAreConsecutiveLoopbackAddresses() {
        assertThat(Fleet.loopback(0).getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(Fleet.loopback(9).getHostAddress()).isEqualTo("127.0.0.10");
        assertThatThrownBy(() -> Fleet.loopback(254)).isInstanceOf(IllegalArgumentException.class);
    }
}
