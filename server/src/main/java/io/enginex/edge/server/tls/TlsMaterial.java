package io.enginex.edge.server.tls;

import io.enginex.edge.protocol.CertificateFingerprint;
import io.enginex.edge.server.auth.OwnerOnlyFiles;
import io.enginex.edge.server.config.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The certificate chain and key the hub serves, as an in-memory key store for Jetty.
 *
 * @param keyStore PKCS#12 store with one entry, {@link #ALIAS}
 * @param password the store's and entry's password (random, never written anywhere)
 * @param certificate the leaf certificate
 * @param fingerprint its {@link CertificateFingerprint}
 * @param selfSigned whether the hub made the certificate itself
 */
public record TlsMaterial(
        KeyStore keyStore, String password, X509Certificate certificate, String fingerprint, boolean selfSigned) {
    public static final String ALIAS = "hub";

    /** Directory under the data dir holding the self-signed certificate and key. */
    public static final String DIRECTORY = "tls";

    static final String CERT_FILE = "hub-cert.pem";
    static final String KEY_FILE = "hub-key.pem";

    /**
     * Loads the configured PEM files, or the self-signed certificate under {@code
     * <dataDir>/tls/}, making it on first start.
     *
     * @param hostNames names to put into a new self-signed certificate beside the loopback ones
     */
    public static TlsMaterial load(
            TlsConfig tls, Path dataDir, Set<String> hostNames, Clock clock, SecureRandom random) {
        if (!tls.enabled()) {
            throw new IllegalArgumentException("TLS is disabled in this configuration");
        }
        try {
            if (!tls.selfSignedCertificate()) {
                return fromPem(tls.certificateFile(), tls.privateKeyFile(), random, false);
            }
            Path dir = OwnerOnlyFiles.directory(dataDir.resolve(DIRECTORY));
            Path cert = dir.resolve(CERT_FILE);
            Path key = dir.resolve(KEY_FILE);
            if (!Files.exists(cert) || !Files.exists(key)) {
                var generated = SelfSignedCertificate.generate(hostNames, clock, random);
                Files.deleteIfExists(key);
                OwnerOnlyFiles.writeNew(
                        key, PemFiles.toPem(generated.keyPair().getPrivate()).getBytes(StandardCharsets.US_ASCII));
                OwnerOnlyFiles.replace(
                        cert, PemFiles.toPem(generated.certificate()).getBytes(StandardCharsets.US_ASCII));
            }
            return fromPem(cert, key, random, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write TLS material: " + e.getMessage(), e);
        }
    }

    static TlsMaterial fromPem(Path certFile, Path keyFile, SecureRandom random, boolean selfSigned)
            throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificates(certFile);
        PrivateKey key = PemFiles.readPrivateKey(keyFile);
        if (!chain.getFirst().getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("the key in " + keyFile + " (" + key.getAlgorithm()
                    + ") does not belong to the certificate in " + certFile + " ("
                    + chain.getFirst().getPublicKey().getAlgorithm() + ")");
        }
        String password = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(X509Certificate[]::new));
            return new TlsMaterial(
                    store, password, chain.getFirst(), CertificateFingerprint.of(chain.getFirst()), selfSigned);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot use " + certFile + " with " + keyFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[subject=" + certificate.getSubjectX500Principal() + ", fingerprint=" + fingerprint
                + ", selfSigned=" + selfSigned + "]";
    }
}
