package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeyFingerprintTest {
    @Test
    void keyAndItsBase64WireFormHaveTheSameOpenSshStyleFingerprint() throws Exception {
        PublicKey key =
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();

        String fromKey = KeyFingerprint.of(key);
        String fromWire = KeyFingerprint.ofBase64(Base64.getEncoder().encodeToString(key.getEncoded()));

        assertThat(fromKey).isEqualTo(fromWire).matches("SHA256:[A-Za-z0-9+/]{43}");
    }

    @Test
    void knownBytesGiveTheKnownDigest() {
        // SHA-256 of the empty input, base64 without padding.
        assertThat(KeyFingerprint.ofSpki(new byte[0])).isEqualTo("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    }
}
