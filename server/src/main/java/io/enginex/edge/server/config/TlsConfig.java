package io.enginex.edge.server.config;

import java.nio.file.Path;

/**
 * How the hub serves TLS.
 *
 * @param enabled false for plain HTTP, which {@link HubConfig} allows only on a loopback address
 * @param certificateFile PEM certificate chain, or null for the self-signed certificate kept under
 *     {@code <data-dir>/tls/}
 * @param privateKeyFile PEM private key of {@code certificateFile}; both or neither
 */
public record TlsConfig(boolean enabled, Path certificateFile, Path privateKeyFile) {
    public TlsConfig {
        if ((certificateFile == null) != (privateKeyFile == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together; give both or neither");
        }
        if (!enabled && certificateFile != null) {
            throw new IllegalArgumentException("--insecure-http cannot be combined with --tls-cert/--tls-key");
        }
    }

    public static TlsConfig selfSigned() {
        return new TlsConfig(true, null, null);
    }

    public static TlsConfig pem(Path certificateFile, Path privateKeyFile) {
        return new TlsConfig(true, certificateFile, privateKeyFile);
    }

    public static TlsConfig insecureHttp() {
        return new TlsConfig(false, null, null);
    }

    public boolean selfSignedCertificate() {
        return enabled && certificateFile == null;
    }
}
