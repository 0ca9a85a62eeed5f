package io.enginex.edge.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void certificateAndKeyRoundTripAndMismatchesAreNamed() throws Exception {
        var one = SelfSignedCertificate.generate(Set.of("a.test"), Clock.systemUTC(), new SecureRandom());
        Path cert = Files.writeString(dir.resolve("cert.pem"), PemFiles.toPem(one.certificate()));
        Path key = Files.writeString(
                dir.resolve("key.pem"), PemFiles.toPem(one.keyPair().getPrivate()));

        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PemFiles.readCertificates(cert)).containsExactly(one.certificate());
        assertThat(PemFiles.readPrivateKey(key).getEncoded())
                .isEqualTo(one.keyPair().getPrivate().getEncoded());
        assertThatThrownBy(() -> PemFiles.readCertificates(key)).hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(cert)).hasMessageContaining("no PEM private key");
    }
}
