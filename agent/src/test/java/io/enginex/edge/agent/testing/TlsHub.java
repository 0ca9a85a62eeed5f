package io.enginex.edge.agent.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.enginex.edge.protocol.CertificateFingerprint;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS register endpoint with a fresh self-signed certificate (made with the JDK's keytool), for
 * testing pinning and CA files. Answers every registration with {@code agt_tls}.
 */
public final class TlsHub implements AutoCloseable {
    private final HttpsServer server;
    private final X509Certificate certificate;

    /**
     * @param san subject alternative name of the certificate, e.g. {@code ip:127.0.0.1} or {@code dns:hub.test}
     */
    public TlsHub(Path dir, String san) throws Exception {
        KeyStore store = TestCertificates.selfSigned(dir, san);
        certificate = (X509Certificate) store.getCertificate("hub");
        SSLContext context = TestCertificates.serverContext(store);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/api/v1/agent/register", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body =
                    "{\"agentId\":\"agt_tls\",\"tenant\":\"acme\",\"labels\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code sha256:AB:CD:…} as engine serve prints it. */
    public String fingerprint() throws Exception {
        return CertificateFingerprint.of(certificate.getEncoded());
    }

    /** Writes the certificate as PEM (it is its own CA). */
    public Path writePem(Path file) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(file, pem);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
