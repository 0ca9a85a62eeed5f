package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The run configuration: the defaults of {@code enginex-agent run}, and values out of range refused. */
class RunConfigTest {
    private final Path state = Path.of("state");

    @Test
    void theDefaultsAreThoseOfTheCommandLine() {
        RunConfig config = RunConfig.builder(state).build();

        assertThat(config.maxConcurrentJobs()).isEqualTo(8);
        assertThat(config.rotateKeyEvery()).isEqualTo(Duration.ofDays(30));
        assertThat(config.ui()).isTrue();
        assertThat(config.uiPort()).isZero();
        assertThat(config.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backoffCap()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.root()).isNull();
        assertThat(config.configFile()).isNull();
    }

    @Test
    void noJobSlotsANegativeRotationOrABadPortAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> RunConfig.builder(state).maxConcurrentJobs(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrentJobs")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> RunConfig.builder(state)
                        .rotateKeyEvery(Duration.ofDays(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rotateKeyEvery");
        assertThatThrownBy(() -> RunConfig.builder(state).ui(70_000, null, null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uiPort");
    }
}
