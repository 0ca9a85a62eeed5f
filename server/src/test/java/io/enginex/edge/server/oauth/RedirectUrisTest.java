package io.enginex.edge.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which redirect URIs a client may register, and how a request's is matched to them. */
class RedirectUrisTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://app.example/callback",
                "http://127.0.0.1:33418/callback",
                "http://localhost/cb",
                "http://[::1]:8080/cb"
            })
    void httpsAndLoopbackHttpMayBeRegistered(String uri) {
        assertThat(RedirectUris.problem(uri)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://app.example/callback",
                "https://app.example/callback#frag",
                "https://user@app.example/cb",
                "/relative",
                "javascript:alert(1)",
                "com.example.app:/cb",
                ""
            })
    void anythingElseIsRefused(String uri) {
        assertThat(RedirectUris.problem(uri)).isNotNull();
    }

    @Test
    void aRequestMatchesExactlyButALoopbackUriMayUseAnyPort() {
        List<String> registered = List.of("https://app.example/cb", "http://127.0.0.1:33418/callback");

        assertThat(RedirectUris.match(registered, "https://app.example/cb")).isNotNull();
        assertThat(RedirectUris.match(registered, "http://127.0.0.1:51000/callback"))
                .isNotNull();
        assertThat(RedirectUris.match(registered, "http://127.0.0.1/callback")).isNotNull();

        assertThat(RedirectUris.match(registered, "https://app.example/cb/")).isNull();
        assertThat(RedirectUris.match(registered, "https://app.example:8443/cb"))
                .isNull();
        assertThat(RedirectUris.match(registered, "https://app.example/cb?x=1")).isNull();
        assertThat(RedirectUris.match(registered, "http://127.0.0.1:51000/other"))
                .isNull();
        assertThat(RedirectUris.match(registered, "http://localhost:51000/callback"))
                .isNull();
        assertThat(RedirectUris.match(registered, "http://127.0.0.1:51000/callback#x"))
                .isNull();
    }
}
