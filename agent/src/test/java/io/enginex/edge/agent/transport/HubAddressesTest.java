package io.enginex.edge.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubAddressesTest {
    @Test
    void repeatedAndCommaSeparatedUrlsAddUpInOrderWithoutDuplicates() {
        HubAddresses hubs = HubAddresses.parse(List.of(
                "https://a.example.com, https://b.example.com:8443/", "wss://c.example.com", "https://a.example.com"));

        assertThat(hubs.all())
                .extracting(HubEndpoint::toString)
                .containsExactly("https://a.example.com", "https://b.example.com:8443", "https://c.example.com");
        assertThat(hubs.first().toString()).isEqualTo("https://a.example.com");
        // The form messages print is the form parse reads back.
        assertThat(HubAddresses.parse(hubs.toString())).isEqualTo(hubs);
    }

    @Test
    void emptyPiecesAreSkipped() {
        assertThat(HubAddresses.parse("https://a.example.com,, ,").size()).isEqualTo(1);
    }

    @Test
    void aBadUrlAmongSeveralIsNamedWithItsPlaceAndTheFix() {
        assertThatThrownBy(() -> HubAddresses.parse("https://a.example.com,http://b.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hub URL 2 of 2 (http://b.example.com)")
                .hasMessageContaining("must be reached over https://");
        assertThatThrownBy(() -> HubAddresses.parse("https://a.example.com,b.example.com"))
                .hasMessageContaining("did you mean https://b.example.com");
    }

    @Test
    void oneBadUrlKeepsItsOwnMessage() {
        assertThatThrownBy(() -> HubAddresses.parse("hub.example.com"))
                .hasMessageStartingWith("hub URL needs a scheme");
    }

    @Test
    void nothingGivenSaysWhatToPass() {
        assertThatThrownBy(() -> HubAddresses.parse(" , "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--server https://");
        assertThatThrownBy(() -> HubAddresses.parse(List.of())).hasMessageContaining("--server https://");
    }

    @Test
    void schemesMayNotBeMixed_sinceOneTrustSettingCoversAll() {
        assertThatThrownBy(() -> HubAddresses.parse("http://127.0.0.1:8080,https://hub.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mix https:// and http://")
                .hasMessageContaining("all with https://");
    }

    @Test
    void aTargetWithAnAddressDialsTheIpAndKeepsTheNameForTls() throws Exception {
        HubEndpoint endpoint = HubEndpoint.parse("https://hub.example.com:8443/edge");
        HubTarget v4 = new HubTarget(endpoint, InetAddress.getByName("10.0.0.7"));
        HubTarget v6 = new HubTarget(endpoint, InetAddress.getByName("fd00::7"));

        assertThat(v4.host()).isEqualTo("hub.example.com");
        assertThat(v4.resolve("/api/v1/agent/token").toString())
                .isEqualTo("https://10.0.0.7:8443/edge/api/v1/agent/token");
        assertThat(v4.webSocket("/api/v1/agent/connect").toString())
                .isEqualTo("wss://10.0.0.7:8443/edge/api/v1/agent/connect");
        assertThat(v6.webSocket("/x").toString()).isEqualTo("wss://[fd00:0:0:0:0:0:0:7]:8443/edge/x");
        assertThat(v4.toString()).isEqualTo("https://hub.example.com:8443/edge (10.0.0.7)");
        assertThat(HubTarget.of(endpoint).resolve("/x").toString()).isEqualTo("https://hub.example.com:8443/edge/x");
    }
}
