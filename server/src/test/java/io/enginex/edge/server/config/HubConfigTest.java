package io.enginex.edge.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HubConfigTest {
    private final Path dir = Path.of("hub-data");

    @Test
    void aNodeNameIsAHostLikeNameOrRefusedWithTheRule() {
        assertThat(HubConfig.builder(dir).nodeName("hub-1.eu_west").build().nodeName())
                .isEqualTo("hub-1.eu_west");
        for (String bad : new String[] {"hub 1", "-hub", "hub\nforged log line", "x".repeat(201), "hüb"}) {
            assertThatThrownBy(() -> HubConfig.builder(dir).nodeName(bad).build())
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--node-name must be 1 to 200 letters, digits")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void insecureHttpIsRefusedUnlessBoundToLoopback() {
        assertThatThrownBy(() -> HubConfig.builder(dir)
                        .bind("0.0.0.0", 8443)
                        .tls(TlsConfig.insecureHttp())
                        .build())
                .hasMessageContaining("--insecure-http is allowed only when --bind is a loopback address")
                .hasMessageContaining("in clear text");
        assertThatThrownBy(() -> HubConfig.builder(dir)
                        .bind("192.0.2.1", 8443)
                        .tls(TlsConfig.insecureHttp())
                        .build())
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(HubConfig.builder(dir)
                        .bind("127.0.0.1", 0)
                        .tls(TlsConfig.insecureHttp())
                        .build()
                        .tls()
                        .enabled())
                .isFalse();
        assertThat(HubConfig.builder(dir)
                        .bind("::1", 0)
                        .tls(TlsConfig.insecureHttp())
                        .build())
                .isNotNull();
        assertThat(HubConfig.builder(dir)
                        .bind("localhost", 0)
                        .tls(TlsConfig.insecureHttp())
                        .build())
                .isNotNull();
    }

    @Test
    void defaultsAreHttpsOn8443WithEmbeddedDatabaseUnderTheDataDir() {
        HubConfig config = HubConfig.builder(dir).build();

        assertThat(config.port()).isEqualTo(8443);
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.tls().selfSignedCertificate()).isTrue();
        assertThat(config.heartbeat()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.database().dialect()).isEqualTo("h2");
        assertThat(config.database().jdbcUrl())
                .contains(dir.toAbsolutePath().resolve("db").toString());
        assertThat(config.nodeName()).isNotBlank();
    }

    @Test
    void theProxyProtocolIsOffByDefaultAndNeedsTrustedProxies() {
        assertThat(HubConfig.builder(dir).build().proxyProtocol()).isFalse();
        assertThatThrownBy(() -> HubConfig.builder(dir).proxyProtocol(true).build())
                .hasMessageContaining("--proxy-protocol needs --trusted-proxy");
        assertThat(HubConfig.builder(dir)
                        .proxyProtocol(true)
                        .trustedProxies(TrustedProxies.trusting(List.of("10.0.1.5")))
                        .build()
                        .proxyProtocol())
                .isTrue();
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThatThrownBy(() -> HubConfig.builder(dir).bind("0.0.0.0", 70_000).build())
                .hasMessageContaining("--port");
        assertThatThrownBy(() ->
                        HubConfig.builder(dir).heartbeat(Duration.ofMillis(10)).build())
                .hasMessageContaining("--heartbeat");
        assertThatThrownBy(() ->
                        HubConfig.builder(dir).publicUrl(URI.create("ftp://x")).build())
                .hasMessageContaining("--public-url");
        assertThatThrownBy(() -> TlsConfig.pem(Path.of("cert.pem"), null)).hasMessageContaining("--tls-key");
    }
}
