package io.enginex.edge.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.protocol.CertificateFingerprint;
import io.enginex.edge.protocol.PinnedTrustManager;
import io.enginex.edge.server.config.HubFile;
import io.enginex.edge.server.config.TlsConfig;
import io.enginex.edge.server.testing.RecordingTrustManager;
import io.enginex.edge.server.testing.TestHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with the hub's self-signed certificate: served, pinned, kept across restarts. */
class TlsIT {
    @TempDir
    Path dir;

    static HttpClient trusting(TrustManager manager) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {manager}, null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    static HttpResponse<String> health(HttpClient client, String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void selfSignedCertificateIsServedPinnableAndReusedAfterRestart() throws Exception {
        var config = TestHub.defaults(dir).tls(TlsConfig.selfSigned()).build();
        String fingerprint;
        try (TestHub hub = TestHub.start(config, HttpClient.newHttpClient())) {
            fingerprint = hub.hub().fingerprint();
            var recording = new RecordingTrustManager();

            var served = health(trusting(recording), hub.url());
            var pinned = health(trusting(new PinnedTrustManager(fingerprint)), hub.url());

            X509Certificate certificate = recording.served();
            assertThat(hub.url()).startsWith("https://127.0.0.1:");
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(pinned.statusCode()).isEqualTo(200);
            assertThat(served.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            assertThat(CertificateFingerprint.of(certificate)).isEqualTo(fingerprint);
            assertThat(fingerprint).matches("sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}");
            assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
            assertThat(certificate.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))))
                    .contains("localhost", "127.0.0.1");
            HubFile file = HubFile.read(dir.resolve("hub.json"), TestHub.MAPPER).orElseThrow();
            assertThat(file.fingerprint()).isEqualTo(fingerprint);
            assertThat(file.tls()).isTrue();
            assertThat(file.url()).isEqualTo(hub.url());
            assertThat(file.port()).isEqualTo(hub.hub().port());
            assertThat(Files.getPosixFilePermissions(dir.resolve("tls/hub-key.pem")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(dir.resolve("admin.key")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));

            HttpClient wrongPin = trusting(new PinnedTrustManager("sha256:" + "00:".repeat(31) + "00"));
            assertThatThrownBy(() -> health(wrongPin, hub.url())).isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> health(HttpClient.newHttpClient(), hub.url()))
                    .isInstanceOf(SSLHandshakeException.class);
        }
        assertThat(dir.resolve("hub.json")).doesNotExist();
        try (TestHub again = TestHub.start(config, HttpClient.newHttpClient())) {
            assertThat(again.hub().fingerprint()).isEqualTo(fingerprint);
            assertThat(health(trusting(new PinnedTrustManager(fingerprint)), again.url())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void theTlsListenerSpeaksHttp2ToClientsThatOfferItAndHttp1ToTheRest() throws Exception {
        var config = TestHub.defaults(dir).tls(TlsConfig.selfSigned()).build();
        try (TestHub hub = TestHub.start(config, HttpClient.newHttpClient())) {
            SSLContext pinned = SSLContext.getInstance("TLS");
            pinned.init(
                    null, new TrustManager[] {new PinnedTrustManager(hub.hub().fingerprint())}, null);
            HttpClient h2 = HttpClient.newBuilder()
                    .sslContext(pinned)
                    .version(HttpClient.Version.HTTP_2)
                    .build();
            HttpClient h1 = HttpClient.newBuilder()
                    .sslContext(pinned)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();

            var overH2 = health(h2, hub.url());
            var overH1 = health(h1, hub.url());

            assertThat(overH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(overH2.statusCode()).isEqualTo(200);
            assertThat(overH2.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            assertThat(overH1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(overH1.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientOfferingOnlyHttp11InAlpnIsServed() throws Exception {
        // What Node's fetch (so MCP clients in Node) and curl --http1.1 offer.
        var config = TestHub.defaults(dir).tls(TlsConfig.selfSigned()).build();
        try (TestHub hub = TestHub.start(config, HttpClient.newHttpClient())) {
            SSLContext pinned = SSLContext.getInstance("TLS");
            pinned.init(
                    null, new TrustManager[] {new PinnedTrustManager(hub.hub().fingerprint())}, null);
            URI uri = URI.create(hub.url());
            try (var socket =
                    (javax.net.ssl.SSLSocket) pinned.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
                var params = socket.getSSLParameters();
                params.setApplicationProtocols(new String[] {"http/1.1"});
                socket.setSSLParameters(params);
                socket.getOutputStream()
                        .write("GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer =
                        new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);

                assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
                assertThat(answer).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void givenPemCertificateAndKeyAreServed(@TempDir Path pem) throws Exception {
        var generated = SelfSignedCertificate.generate(
                java.util.Set.of("hub.example.test"), java.time.Clock.systemUTC(), new java.security.SecureRandom());
        Path cert = pem.resolve("cert.pem");
        Path key = pem.resolve("key.pem");
        Files.writeString(cert, PemFiles.toPem(generated.certificate()));
        Files.writeString(key, PemFiles.toPem(generated.keyPair().getPrivate()));
        var config = TestHub.defaults(dir).tls(TlsConfig.pem(cert, key)).build();

        try (TestHub hub = TestHub.start(config, HttpClient.newHttpClient())) {
            var recording = new RecordingTrustManager();
            assertThat(health(trusting(recording), hub.url()).statusCode()).isEqualTo(200);

            assertThat(hub.hub().selfSignedCertificate()).isFalse();
            assertThat(hub.hub().fingerprint()).isEqualTo(CertificateFingerprint.of(generated.certificate()));
            assertThat(CertificateFingerprint.of(recording.served()))
                    .isEqualTo(hub.hub().fingerprint());
            assertThat(dir.resolve("tls")).doesNotExist();
        }
    }
}
