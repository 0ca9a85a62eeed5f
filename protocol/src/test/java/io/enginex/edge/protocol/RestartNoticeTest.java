package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartNoticeTest {
    @Test
    void theCloseReasonCarriesTheWindowAndReadsBack() {
        RestartNotice notice = new RestartNotice(Duration.ofSeconds(20));

        assertThat(notice.closeReason()).isEqualTo("hub shutting down; reconnect-window-ms=20000");
        assertThat(notice.closeReason().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(RestartNotice.parse(notice.closeReason())).contains(notice);
    }

    @Test
    void reasonsWithoutTheTokenAreNoNoticeAndUnknownTokensAreIgnored() {
        assertThat(RestartNotice.parse("hub shutting down")).isEmpty(); // an older hub
        assertThat(RestartNotice.parse(null)).isEmpty();
        assertThat(RestartNotice.parse("x-reconnect-window-ms=5")).isEmpty();
        assertThat(RestartNotice.parse("reconnect-window-ms=0")).isEmpty();
        assertThat(RestartNotice.parse("reconnect-window-ms=99999999999")).isEmpty();
        assertThat(RestartNotice.parse("hub shutting down; reconnect-window-ms=15000; region=eu"))
                .isEqualTo(Optional.of(new RestartNotice(Duration.ofSeconds(15))));
    }

    @Test
    void theWindowGrowsWithTheFleetBetweenItsBounds() {
        assertThat(RestartNotice.forFleet(0).reconnectWindow()).isEqualTo(RestartNotice.MIN_WINDOW);
        assertThat(RestartNotice.forFleet(10_000).reconnectWindow()).isEqualTo(Duration.ofSeconds(20));
        assertThat(RestartNotice.forFleet(10_001).reconnectWindow()).isEqualTo(Duration.ofSeconds(21));
        assertThat(RestartNotice.forFleet(1_000_000).reconnectWindow()).isEqualTo(RestartNotice.MAX_WINDOW);
    }
}
