package io.enginex.edge.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubEndpointTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://localhost:8080",
                "http://127.0.0.1:8080",
                "http://127.8.9.10",
                "http://[::1]:8080",
                "ws://localhost:9000/"
            })
    void plainHttpIsAllowedToLoopback(String url) {
        assertThat(HubEndpoint.parse(url).secure()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://hub.example.com",
                "http://10.0.0.5:8080",
                "http://localhost.example.com",
                "http://128.0.0.1",
                "http://[::2]"
            })
    void plainHttpToAnythingElseIsRefusedWithTheFix(String url) {
        assertThatThrownBy(() -> HubEndpoint.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://");
    }

    @Test
    void derivesApiAndWebSocketAddresses() {
        HubEndpoint tls = HubEndpoint.parse("https://hub.example.com/edge/");
        assertThat(tls.resolve("/api/v1/agent/token").toString())
                .isEqualTo("https://hub.example.com/edge/api/v1/agent/token");
        assertThat(tls.webSocket("/api/v1/agent/connect").toString())
                .isEqualTo("wss://hub.example.com/edge/api/v1/agent/connect");
        HubEndpoint local = HubEndpoint.parse("http://127.0.0.1:7070");
        assertThat(local.webSocket("/x").toString()).isEqualTo("ws://127.0.0.1:7070/x");
        assertThat(HubEndpoint.parse("wss://hub.example.com").toString()).isEqualTo("https://hub.example.com");
    }

    @Test
    void missingSchemeSuggestsHttps() {
        assertThatThrownBy(() -> HubEndpoint.parse("hub.example.com"))
                .hasMessageContaining("did you mean https://hub.example.com");
        assertThatThrownBy(() -> HubEndpoint.parse("ftp://hub.example.com")).hasMessageContaining("https://");
    }
}
