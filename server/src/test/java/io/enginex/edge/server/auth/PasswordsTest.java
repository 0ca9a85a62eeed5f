package io.enginex.edge.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
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
        assertThat(Passwords.weakness("short")).contains("at least 15 characters (it has 5)");
        assertThat(Passwords.weakness("fourteen chars")).contains("at least 15");
        assertThat(Passwords.weakness("fifteen chars!!")).isNull();
        assertThat(Passwords.weakness(passwords.generate())).isNull();
    }

    @Test
    void lengthCountsCharactersNotBytesAndLongPassphrasesWithAnyCharacterPass() {
        // 15 code points, 45 bytes of UTF-8; no composition rules: lower case only is fine
        assertThat(Passwords.weakness("日本語のとても長いパスワードだよ")).isNull();
        assertThat(Passwords.weakness("🙂".repeat(7) + "x")).contains("at least 15");
        assertThat(Passwords.weakness("all lower case words here")).isNull();
        assertThat(Passwords.weakness("a".repeat(0) + "x y z ".repeat(10) + "fin"))
                .isNull();
        assertThat(Passwords.weakness("q".repeat(20) + " " + "w".repeat(43) + " end"))
                .isNull(); // 68
        assertThat(Passwords.weakness("word ".repeat(205))).contains("at most 1024");
        assertThat(Passwords.weakness("tab\tinside this password")).contains("control characters");
    }

    @Test
    void unicodeIsNormalisedWithNfkcSoEquivalentFormsAreTheSamePassword() {
        String composed = "caf\u00e9 au lait on the terrace";
        String decomposed = "cafe\u0301 au lait on the terrace";
        String fullWidth = "\uff43\uff41\uff46\u00e9 au lait on the terrace";
        String hash = passwords.hash(composed);

        assertThat(passwords.verify(decomposed, hash)).isTrue();
        assertThat(passwords.verify(fullWidth, hash)).isTrue();
        assertThat(Passwords.normalize("\uff30\uff37")).isEqualTo("PW");
    }

    @Test
    void commonAndBreachedPasswordsAreRefusedAlsoWithDigitsAddedOrRepeated() {
        for (String common : List.of(
                "qwertyuiopasdfghjkl",
                "correct horse battery staple",
                "CorrectHorseBatteryStaple",
                "Password1234567!",
                "iloveyou12345678",
                "passwordpasswordpassword",
                "123456789012345",
                "aaaaaaaaaaaaaaaaaa",
                "abcabcabcabcabcabc",
                "dragondragondragon")) {
            assertThat(Passwords.weakness(common)).as(common).contains("commonly used or breached passwords");
        }
    }

    @Test
    void passwordsContainingTheEmailOrItsPartsOrTheServiceNameAreRefused() {
        assertThat(Passwords.weakness("marie.curie@lab.example 2026", "marie.curie@lab.example"))
                .contains("your email address");
        assertThat(Passwords.weakness("my name is Curie and I glow", "marie.curie@lab.example"))
                .contains("(curie)");
        assertThat(Passwords.weakness("enginex is my favourite hub", null)).contains("service's name");
        assertThat(Passwords.weakness("radium glows in the dark", "marie.curie@lab.example"))
                .isNull();
    }
}
