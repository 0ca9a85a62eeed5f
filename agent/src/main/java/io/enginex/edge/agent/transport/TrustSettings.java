package io.enginex.edge.agent.transport;

import io.enginex.edge.protocol.CertificateFingerprint;
import io.enginex.edge.protocol.PinnedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which TLS server certificates the agent trusts: one pinned certificate, the CAs in one PEM file,
 * or (both null) the system trust store. Saved with the identity at registration so {@code run}
 * trusts the same hub.
 *
 * @param pin {@code sha256:AB:CD:…} fingerprint of the hub's certificate, or null
 * @param caFile PEM file with the CA certificate(s) that signed the hub's certificate, or null
 */
public record TrustSettings(String pin, Path caFile) {
    public TrustSettings {
        if (pin != null && caFile != null) {
            throw new IllegalArgumentException("pass either --pin or --ca-file, not both");
        }
        pin = pin == null ? null : CertificateFingerprint.normalize(pin);
        caFile = caFile == null ? null : caFile.toAbsolutePath().normalize();
    }

    /** Trust the operating system's / Java runtime's trust store. */
    public static TrustSettings system() {
        return new TrustSettings(null, null);
    }

    public boolean pinned() {
        return pin != null;
    }

    /**
     * The TLS context these settings describe.
     *
     * @throws IllegalStateException when the CA file cannot be read, naming the file and the fix
     */
    public SSLContext sslContext() {
        try {
            if (pin != null) {
                return context(new TrustManager[] {new PinnedTrustManager(pin)});
            }
            if (caFile != null) {
                return context(caTrustManagers(caFile));
            }
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** For logs and {@code identity show}: which trust is in effect. */
    public String describe() {
        if (pin != null) {
            return "pinned certificate " + pin;
        }
        if (caFile != null) {
            return "CA file " + caFile;
        }
        return "system trust store";
    }

    private static SSLContext context(TrustManager[] managers) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers, null);
        return context;
    }

    private static TrustManager[] caTrustManagers(Path caFile) throws GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the CA file " + caFile + " (" + e
                            + "); pass --ca-file with a readable PEM file holding the CA that signed the hub's certificate",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "the CA file " + caFile + " holds no readable PEM certificate (" + e.getMessage()
                            + "); pass the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)",
                    e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalStateException("the CA file " + caFile + " holds no certificate; pass a PEM file with"
                    + " the CA that signed the hub's certificate");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create an in-memory trust store", e);
        }
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }
}
