package io.enginex.edge.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordsTest {
    // Small parameters keep the unit test fast; the hub uses Passwords.DEFAULT.
    private final Passwords passwords = new Passwords(new SecureRandom(), new Passwords.Params(1024, 1, 1));

    @Test
    void hashIsAnArgon2idPhcStringThatVerifiesOnlyTheSamePassword() {
        String hash = passwords.hash("correct horse battery staple");

        assertThat(hash).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("correct");
        assertThat(passwords.verify("correct horse battery staple", hash)).isTrue();
        assertThat(passwords.verify("correct horse battery stapl", hash)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(passwords.hash("the same password")).isNotEqualTo(passwords.hash("the same password"));
    }

    @Test
    void hashesMadeWithOtherParametersStillVerify() {
        var stronger = new Passwords(new SecureRandom(), new Passwords.Params(2048, 2, 1));
        String old = stronger.hash("parameters change over time");

        assertThat(passwords.verify("parameters change over time", old)).isTrue();
    }

    @Test
    void noUserOrAMalformedHashNeverVerifies() {
        assertThat(passwords.verify("not a password of anyone", null)).isFalse();
        assertThat(passwords.verify("x", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA")).isFalse();
        assertThat(passwords.verify("x", "plain")).isFalse();
    }

    @Test
    void shortPasswordsAreNamedWeakAndGeneratedOnesAreNot() {
        assertThat(Passwords.weakness("short")).contains("at least 12");
        assertThat(Passwords.weakness(passwords.generate())).isNull();
    }
}
