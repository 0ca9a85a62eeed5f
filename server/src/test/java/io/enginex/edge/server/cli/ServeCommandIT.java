package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine serve refusing to start, and saying why. */
class ServeCommandIT {
    @TempDir
    Path dir;

    @Test
    void insecureHttpIsRefusedOnANonLoopbackBind() {
        var r = CommandRun.run("serve", "--data-dir", dir.toString(), "--bind", "0.0.0.0", "--insecure-http");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("--insecure-http is allowed only when --bind is a loopback address")
                .contains("0.0.0.0");
    }

    @Test
    void portInUseExitsWith2AndSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            var r = CommandRun.run(
                    "serve",
                    "--data-dir",
                    dir.toString(),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--insecure-http");

            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err())
                    .contains("port " + port + " is already in use on 127.0.0.1 — stop the other process "
                            + "or pick another with --port");
        }
        assertThat(dir.resolve("hub.json")).doesNotExist();
    }

    @Test
    void proxyProtocolWithoutTrustedProxiesIsAUsageError() {
        var r = CommandRun.run("serve", "--data-dir", dir.toString(), "--proxy-protocol");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--proxy-protocol needs --trusted-proxy");
        assertThat(dir.resolve("hub.json")).doesNotExist();
    }

    @Test
    void badHeartbeatIsAUsageError() {
        var r = CommandRun.run("serve", "--data-dir", dir.toString(), "--heartbeat", "often");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("500ms");
    }

    @Test
    void missingCertificateFileIsNamed() {
        Path missing = dir.resolve("no-such-cert.pem");
        var r = CommandRun.run(
                "serve",
                "--data-dir",
                dir.resolve("hub").toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--tls-cert",
                missing.toString(),
                "--tls-key",
                dir.resolve("no-such-key.pem").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot start the hub").contains(missing.toString());
        assertThat(dir.resolve("hub").resolve("hub.json")).doesNotExist();
    }

    @Test
    void insecureHttpWithACertificateIsAUsageError() {
        var r = CommandRun.run(
                "serve",
                "--data-dir",
                dir.toString(),
                "--bind",
                "127.0.0.1",
                "--insecure-http",
                "--tls-cert",
                "c.pem",
                "--tls-key",
                "k.pem");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cannot be combined");
    }
}
