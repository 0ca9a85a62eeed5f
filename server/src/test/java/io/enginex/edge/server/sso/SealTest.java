package io.enginex.edge.server.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SealTest {
    private static final byte[] HUB_SECRET = new byte[32];

    private final Seal seal = new Seal(HUB_SECRET, "oidc client secret", new SecureRandom());

    @Test
    void opensWhatItSealedInTheSameContextOnly() {
        String sealed = seal.seal("acme\nhttps://idp\nclient", "s3cret");

        assertThat(sealed).doesNotContain("s3cret");
        assertThat(seal.open("acme\nhttps://idp\nclient", sealed)).contains("s3cret");
        assertThat(seal.open("other\nhttps://idp\nclient", sealed)).isEmpty();
        assertThat(seal.open("acme\nhttps://evil\nclient", sealed)).isEmpty();
    }

    @Test
    void anotherPurposeOrHubSecretOpensNothingAndNeitherDoesAnAlteredValue() {
        String sealed = seal.seal("ctx", "s3cret");
        byte[] otherSecret = Arrays.copyOf(HUB_SECRET, 32);
        otherSecret[0] = 1;

        assertThat(new Seal(HUB_SECRET, "oidc login state", new SecureRandom()).open("ctx", sealed))
                .isEmpty();
        assertThat(new Seal(otherSecret, "oidc client secret", new SecureRandom()).open("ctx", sealed))
                .isEmpty();
        // a character in the middle: the last one of unpadded base64 may carry bits the decoder ignores
        int i = sealed.length() / 2;
        String altered = sealed.substring(0, i) + (sealed.charAt(i) == 'A' ? 'B' : 'A') + sealed.substring(i + 1);
        assertThat(seal.open("ctx", altered)).isEmpty();
        assertThat(seal.open("ctx", "not base64url!")).isEmpty();
        assertThat(seal.open("ctx", null)).isEmpty();
    }

    @Test
    void sealingTwiceGivesTwoValues() {
        assertThat(seal.seal("ctx", "s3cret")).isNotEqualTo(seal.seal("ctx", "s3cret"));
    }
}
