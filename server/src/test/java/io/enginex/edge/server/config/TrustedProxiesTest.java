package io.enginex.edge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies lb = TrustedProxies.trusting(List.of("10.0.0.0/8", "127.0.0.1", "fd00::/8"));

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        assertThat(TrustedProxies.DIRECT.clientAddress("10.1.2.3", List.of("203.0.113.9")))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void aTrustedProxysForwardedForNamesTheClient() {
        assertThat(lb.clientAddress("10.1.2.3", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(lb.clientAddress("127.0.0.1", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
        assertThat(lb.clientAddress("fd12::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
    }

    @Test
    void anAddressTheClientPutInTheHeaderItselfIsNotBelieved() {
        // The client sent "X-Forwarded-For: 1.2.3.4"; the balancer appended the client's real address.
        assertThat(lb.clientAddress("10.1.2.3", List.of("1.2.3.4, 203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(lb.clientAddress("10.1.2.3", List.of("1.2.3.4", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void chainsOfTrustedProxiesAreWalkedFromTheRight() {
        assertThat(lb.clientAddress("10.0.0.1", List.of("203.0.113.9, 10.0.0.2, 10.0.0.3")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void anUntrustedPeerCannotChooseItsAddress() {
        assertThat(lb.clientAddress("203.0.113.50", List.of("10.0.0.9"))).isEqualTo("203.0.113.50");
    }

    @Test
    void aHopThatIsNoAddressEndsTheWalkAndNoNameIsLookedUp() {
        assertThat(lb.clientAddress("10.0.0.1", List.of("evil.example.com, 203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(lb.clientAddress("10.0.0.1", List.of("unknown"))).isEqualTo("10.0.0.1");
        assertThat(lb.clientAddress("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void aPeerIsTrustedToSendAProxyHeaderOnlyInsideTheBlocks() throws Exception {
        assertThat(lb.trusts(InetAddress.getByName("10.200.0.1"))).isTrue();
        assertThat(lb.trusts(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(lb.trusts(InetAddress.getByName("fd00::7"))).isTrue();
        assertThat(lb.trusts(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(lb.trusts(InetAddress.getByName("203.0.113.9"))).isFalse();
        assertThat(TrustedProxies.DIRECT.trusts(InetAddress.getByName("127.0.0.1")))
                .isFalse();
        assertThat(TrustedProxies.DIRECT.isEmpty()).isTrue();
        assertThat(lb.isEmpty()).isFalse();
    }

    @Test
    void prefixesAreHonouredToTheBit() {
        TrustedProxies narrow = TrustedProxies.trusting(List.of("192.168.1.128/25"));
        assertThat(narrow.clientAddress("192.168.1.200", List.of("203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(narrow.clientAddress("192.168.1.100", List.of("203.0.113.9")))
                .isEqualTo("192.168.1.100");
    }

    @Test
    void aBadValueIsRefusedNamingTheForms() {
        for (String bad : List.of("10.0.0.0/33", "lb.example.com", "10.0.0.0/x", "", "fd00::/129")) {
            assertThatThrownBy(() -> TrustedProxies.trusting(List.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--trusted-proxy")
                    .hasMessageContaining("CIDR");
        }
    }
}
