package io.enginex.edge.e2e.support;

import io.enginex.edge.protocol.PinnedTrustManager;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** Test client trust: accepts exactly the hub certificate whose SHA-256 fingerprint the hub printed. */
public final class PinnedTrust {
    private PinnedTrust() {}

    public static SSLContext sslContext(String pin) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new PinnedTrustManager(pin)}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
