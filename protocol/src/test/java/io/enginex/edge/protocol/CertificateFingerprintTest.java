package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CertificateFingerprintTest {
    @Test
    void fingerprintIsUpperCaseColonSeparatedSha256OfTheDer() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertThat(CertificateFingerprint.of("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("sha256:BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:"
                        + "F2:00:15:AD");
    }

    @Test
    void typedPinsAreNormalised() {
        String canonical = CertificateFingerprint.of(new byte[] {1});
        String sloppy = canonical.toLowerCase().replace(":", "").replace("sha256", "SHA256:");

        assertThat(CertificateFingerprint.normalize(sloppy.replace("SHA256::", "SHA256:")))
                .isEqualTo(canonical);
        assertThat(CertificateFingerprint.normalize(canonical.substring("sha256:".length())))
                .isEqualTo(canonical);
        assertThatThrownBy(() -> CertificateFingerprint.normalize("sha256:AB:CD"))
                .hasMessageContaining("32 hex pairs");
    }
}
