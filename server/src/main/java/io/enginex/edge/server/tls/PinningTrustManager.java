package io.enginex.edge.server.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, named by its fingerprint, whatever its issuer, names or
 * dates: the client has learnt the fingerprint out of band (from {@code engine serve}'s output or
 * {@code hub.json}). Host names are not checked, as the pin says more than a name would.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {
    private final String fingerprint;

    /** @param fingerprint {@code sha256:AB:…}, in any form {@link CertificateFingerprint#normalize} accepts */
    public PinningTrustManager(String fingerprint) {
        this.fingerprint = CertificateFingerprint.normalize(fingerprint);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        String actual = CertificateFingerprint.of(chain[0]);
        if (!actual.equals(fingerprint)) {
            throw new CertificateException(
                    "the server's certificate has fingerprint " + actual + ", not the pinned " + fingerprint);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
