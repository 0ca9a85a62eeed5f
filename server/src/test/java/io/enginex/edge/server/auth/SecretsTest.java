package io.enginex.edge.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private final Secrets secrets = new Secrets(new SecureRandom());

    @Test
    void secretsCarryTheirPrefixAnd256RandomBits() {
        String key = secrets.newSecret(Secrets.API_KEY_PREFIX);

        assertThat(key).startsWith("exk_").hasSize(4 + 43).matches("exk_[A-Za-z0-9_-]{43}");
        assertThat(secrets.newSecret(Secrets.API_KEY_PREFIX)).isNotEqualTo(key);
    }

    @Test
    void hashIsHexSha256() {
        assertThat(Secrets.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void constantTimeEqualsComparesWholeStrings() {
        assertThat(Secrets.constantTimeEquals("exk_a", "exk_a")).isTrue();
        assertThat(Secrets.constantTimeEquals("exk_a", "exk_b")).isFalse();
        assertThat(Secrets.constantTimeEquals("exk_a", "exk_ab")).isFalse();
    }

    @Test
    void bearerHeaderIsRead() {
        assertThat(ApiKeys.bearer("Bearer exk_x")).isEqualTo("exk_x");
        assertThat(ApiKeys.bearer("bearer  exk_x ")).isEqualTo("exk_x");
        assertThat(ApiKeys.bearer("Basic abc")).isNull();
        assertThat(ApiKeys.bearer(null)).isNull();
        assertThat(ApiKeys.bearer("Bearer ")).isNull();
    }
}
