package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.config.TlsConfig;
import io.enginex.edge.server.testing.TestHub;
import java.net.http.HttpClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a hub serving its self-signed certificate. */
class ClientTlsIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(TestHub.defaults(dir).tls(TlsConfig.selfSigned()).build(), HttpClient.newHttpClient());
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void localHubIsPinnedFromHubJson() {
        var r = CommandRun.run("tenants", "list", "--data-dir", dir.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void caFileIsTrusted() {
        var r = CommandRun.run(
                "tenants",
                "list",
                "--server",
                hub.url(),
                "--api-key",
                hub.platformKey(),
                "--ca-file",
                dir.resolve("tls/hub-cert.pem").toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void untrustedCertificateNamesPinAndCaFile() {
        var r = CommandRun.run("tenants", "list", "--server", hub.url(), "--api-key", hub.platformKey());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("TLS handshake with " + hub.url() + " failed")
                .contains("--pin sha256:")
                .contains("--ca-file");
    }

    @Test
    void wrongPinIsNamed() {
        String wrong = "sha256:" + "00:".repeat(31) + "00";
        var r = CommandRun.run(
                "tenants", "list", "--server", hub.url(), "--api-key", hub.platformKey(), "--pin", wrong);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("did not match the pin " + wrong);
        assertThat(r.err()).doesNotContain(hub.platformKey());
    }
}
