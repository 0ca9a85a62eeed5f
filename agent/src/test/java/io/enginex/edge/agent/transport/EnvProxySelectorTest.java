package io.enginex.edge.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvProxySelectorTest {
    private final EnvProxySelector selector = EnvProxySelector.fromEnvironment(
            Map.of("HTTPS_PROXY", "http://user:s3cret@proxy.corp:3128", "NO_PROXY", "internal.corp, .lan,10.1.2.3"),
            null);

    @Test
    void tlsTrafficGoesThroughHttpsProxy() {
        Proxy proxy = selector.select(URI.create("https://hub.example.com/api")).getFirst();
        assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP);
        InetSocketAddress address = (InetSocketAddress) proxy.address();
        assertThat(address.getHostString()).isEqualTo("proxy.corp");
        assertThat(address.getPort()).isEqualTo(3128);
        assertThat(selector.select(URI.create("wss://hub.example.com/ws"))
                        .getFirst()
                        .type())
                .isEqualTo(Proxy.Type.HTTP);
    }

    @Test
    void loopbackAndNoProxyHostsGoDirect() {
        for (String url : new String[] {
            "http://localhost:8080",
            "http://127.0.0.1",
            "https://[::1]:8443",
            "https://internal.corp",
            "https://hub.internal.corp",
            "https://box.lan",
            "https://10.1.2.3"
        }) {
            assertThat(selector.select(URI.create(url))).as(url).containsExactly(Proxy.NO_PROXY);
        }
    }

    @Test
    void lowerCaseVariablesAndStarWork() {
        EnvProxySelector all =
                EnvProxySelector.fromEnvironment(Map.of("https_proxy", "proxy:8080", "no_proxy", "*"), null);
        assertThat(all.select(URI.create("https://hub.example.com"))).containsExactly(Proxy.NO_PROXY);
        EnvProxySelector some = EnvProxySelector.fromEnvironment(Map.of("https_proxy", "proxy:8080"), null);
        assertThat(some.select(URI.create("https://hub.example.com")).getFirst().type())
                .isEqualTo(Proxy.Type.HTTP);
    }

    @Test
    void credentialsAreReadButNeverShown() {
        ProxyAddress address =
                EnvProxySelector.proxyAddress(Map.of("HTTPS_PROXY", "http://user:s3cret@proxy.corp:3128"));
        assertThat(address.user()).isEqualTo("user");
        assertThat(new String(address.password())).isEqualTo("s3cret");
        assertThat(address.toString()).doesNotContain("s3cret");
    }
}
