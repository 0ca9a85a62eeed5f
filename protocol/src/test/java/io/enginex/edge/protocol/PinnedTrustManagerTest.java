package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** Fixtures: two self-signed P-256 certificates in src/test/resources/tls (test material only). */
class PinnedTrustManagerTest {
    private final X509Certificate a = load("hub-a.pem");
    private final X509Certificate b = load("hub-b.pem");

    @Test
    void trustsExactlyThePinnedCertificate() {
        PinnedTrustManager pinned = new PinnedTrustManager(CertificateFingerprint.of(a));

        assertThatCode(() -> pinned.checkServerTrusted(new X509Certificate[] {a}, "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> pinned.checkServerTrusted(new X509Certificate[] {b}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining(CertificateFingerprint.of(b))
                .hasMessageContaining("engine serve");
    }

    @Test
    void aPinTypedInAnyCaseOrWithoutColonsWorks() {
        String sloppy =
                CertificateFingerprint.of(a).toLowerCase().replace(":", "").replace("sha256", "sha256:");

        assertThatCode(() -> new PinnedTrustManager(sloppy).checkServerTrusted(new X509Certificate[] {a}, "RSA"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAnEmptyChainAndEveryClient() {
        PinnedTrustManager pinned = new PinnedTrustManager(CertificateFingerprint.of(a));

        assertThatThrownBy(() -> pinned.checkServerTrusted(new X509Certificate[0], "RSA"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> pinned.checkClientTrusted(new X509Certificate[] {a}, "RSA"))
                .isInstanceOf(CertificateException.class);
        assertThat(pinned.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void aMalformedPinIsRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> new PinnedTrustManager("AB:CD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256:AB:CD:…");
    }

    private static X509Certificate load(String name) {
        try (InputStream in = PinnedTrustManagerTest.class.getResourceAsStream("/tls/" + name)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
