package io.enginex.edge.protocol;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, named by its fingerprint, whatever its issuer, names or
 * dates: the client has learnt the fingerprint out of band (from {@code engine serve}'s output or
 * {@code hub.json}). Neither the chain, the dates nor the host name are checked: the pin names this
 * very certificate, which says more than any of those. Being an {@link X509ExtendedTrustManager} is
 * what keeps the JDK from adding its own host name check on top. Used by the agent, the {@code
 * engine} client commands and the tests.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
    private final String fingerprint;

    /** @param fingerprint {@code sha256:AB:…}, in any form {@link CertificateFingerprint#normalize} accepts */
    public PinnedTrustManager(String fingerprint) {
        this.fingerprint = CertificateFingerprint.normalize(fingerprint);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        String actual = CertificateFingerprint.of(chain[0]);
        if (!actual.equals(fingerprint)) {
            throw new CertificateException("the server's certificate has fingerprint " + actual + ", not the pinned "
                    + fingerprint + "; check the fingerprint `engine serve` printed");
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
