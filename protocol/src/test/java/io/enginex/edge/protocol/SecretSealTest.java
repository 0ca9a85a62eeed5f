package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretSealTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] VALUE = "Bearer s3cr3t-erp".getBytes(StandardCharsets.UTF_8);

    @Test
    void opensWithTheDeviceKeyItWasSealedTo() {
        KeyPair device = SecretSeal.newKeyPair();
        byte[] context = SecretSeal.context("agt_1", "erp-token", "sdl_1");
        SecretSeal.Sealed sealed = SecretSeal.seal(device.getPublic(), VALUE, context, RANDOM);

        assertThat(SecretSeal.open(device, sealed, context)).isEqualTo(VALUE);
        assertThat(sealed.ciphertext()).doesNotContain("s3cr3t");
        assertThat(new String(Base64.getDecoder().decode(sealed.ciphertext()), StandardCharsets.ISO_8859_1))
                .doesNotContain("s3cr3t");
    }

    @Test
    void anotherDevicesKeyDoesNotOpenIt() {
        KeyPair device = SecretSeal.newKeyPair();
        KeyPair other = SecretSeal.newKeyPair();
        byte[] context = SecretSeal.context("agt_1", "erp-token", "sdl_1");
        SecretSeal.Sealed sealed = SecretSeal.seal(device.getPublic(), VALUE, context, RANDOM);

        assertThatThrownBy(() -> SecretSeal.open(other, sealed, context))
                .isInstanceOf(SecretSeal.SealException.class)
                .hasMessageContaining("does not open with this device's exchange key");
    }

    @Test
    void aCiphertextMovedToAnotherAgentNameOrDeliveryDoesNotOpen() {
        KeyPair device = SecretSeal.newKeyPair();
        SecretSeal.Sealed sealed =
                SecretSeal.seal(device.getPublic(), VALUE, SecretSeal.context("agt_1", "erp-token", "sdl_1"), RANDOM);

        for (byte[] moved : new byte[][] {
            SecretSeal.context("agt_2", "erp-token", "sdl_1"),
            SecretSeal.context("agt_1", "erp-db", "sdl_1"),
            SecretSeal.context("agt_1", "erp-token", "sdl_2")
        }) {
            assertThatThrownBy(() -> SecretSeal.open(device, sealed, moved))
                    .isInstanceOf(SecretSeal.SealException.class);
        }
    }

    @Test
    void aChangedCiphertextDoesNotOpen() {
        KeyPair device = SecretSeal.newKeyPair();
        byte[] context = SecretSeal.context("agt_1", "erp-token", "sdl_1");
        SecretSeal.Sealed sealed = SecretSeal.seal(device.getPublic(), VALUE, context, RANDOM);
        byte[] bytes = Base64.getDecoder().decode(sealed.ciphertext());
        bytes[0] ^= 1;
        SecretSeal.Sealed changed = new SecretSeal.Sealed(
                sealed.ephemeralKey(), sealed.nonce(), Base64.getEncoder().encodeToString(bytes));

        assertThatThrownBy(() -> SecretSeal.open(device, changed, context))
                .isInstanceOf(SecretSeal.SealException.class);
    }

    @Test
    void onlyX25519PublicKeysAreAccepted() throws Exception {
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String edKey = Base64.getEncoder().encodeToString(ed.getPublic().getEncoded());

        assertThatThrownBy(() -> SecretSeal.publicKey(edKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X25519");
        assertThatThrownBy(() -> SecretSeal.publicKey("not base64!")).isInstanceOf(IllegalArgumentException.class);
        String x = Base64.getEncoder()
                .encodeToString(SecretSeal.newKeyPair().getPublic().getEncoded());
        assertThat(SecretSeal.publicKey(x).getEncoded())
                .isEqualTo(Base64.getDecoder().decode(x));
    }
}
