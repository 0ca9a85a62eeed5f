package io.enginex.edge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.testing.TlsHub;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.TrustSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorIT {
    @TempDir
    static Path keys;

    @TempDir
    Path temp;

    private static TlsHub hub;

    @BeforeAll
    static void startHub() throws Exception {
        hub = new TlsHub(keys, "ip:127.0.0.1");
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    private Doctor doctor(Path config, Clock clock) {
        // No system proxy: what this machine's desktop says must not change the result.
        return new Doctor(temp.resolve("state"), config, Map.of(), clock, "Linux", List::of);
    }

    @Test
    void theRightPinIsTrustedAndTheShortLivedCertificateWarned() throws Exception {
        Check tls =
                doctor(null, Clock.systemUTC()).tls("127.0.0.1", port(), new TrustSettings(hub.fingerprint(), null));

        assertThat(tls.result()).isEqualTo(Check.Result.WARN);
        assertThat(tls.detail()).contains("trusted", "expires within 14 days", hub.fingerprint());
    }

    @Test
    void aWrongPinFailsNamingThePresentedFingerprintAndTheFix() throws Exception {
        String wrong = "sha256:" + "AB:".repeat(31) + "AB";

        Check tls = doctor(null, Clock.systemUTC()).tls("127.0.0.1", port(), new TrustSettings(wrong, null));

        assertThat(tls.result()).isEqualTo(Check.Result.FAIL);
        assertThat(tls.detail()).contains(hub.fingerprint());
        assertThat(tls.fix()).contains("--pin");
    }

    @Test
    void aSelfSignedHubUnderSystemTrustFailsWithTheCaFileFix() {
        Check tls = doctor(null, Clock.systemUTC()).tls("127.0.0.1", port(), TrustSettings.system());

        assertThat(tls.result()).isEqualTo(Check.Result.FAIL);
        assertThat(tls.fix()).contains("--ca-file", "--pin");
    }

    @Test
    void aClockTenMinutesOffTheHubsDateHeaderFails() {
        Instant hub = Instant.parse("2026-11-26T05:00:00Z");

        Check off = Doctor.skew("Thu, 26 Nov 2026 05:00:00 GMT", hub.plus(Duration.ofMinutes(10)));

        assertThat(off.result()).isEqualTo(Check.Result.FAIL);
        assertThat(off.detail()).contains("600 s");
        assertThat(off.fix()).contains("timedatectl set-ntp true");
        assertThat(Doctor.skew("Thu, 26 Nov 2026 05:00:00 GMT", hub.plusSeconds(3))
                        .result())
                .isEqualTo(Check.Result.OK);
    }

    @Test
    void aHubWithoutADateHeaderSkipsTheClockCheck() throws Exception {
        Check clock = doctor(null, Clock.systemUTC())
                .clockSkew(URI.create(hub.url()), new TrustSettings(hub.fingerprint(), null));

        assertThat(clock.result()).isEqualTo(Check.Result.SKIPPED);
    }

    @Test
    void anUnknownNameAndAClosedPortFailWithTheirFixes() throws Exception {
        assertThat(Doctor.dns("enginex-doctor-test.invalid").result()).isEqualTo(Check.Result.FAIL);
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Check tcp = Doctor.tcp("127.0.0.1", closed);
        assertThat(tcp.result()).isEqualTo(Check.Result.FAIL);
        assertThat(tcp.fix()).contains("firewall");
    }

    @Test
    void aConfigFileOpenToEveryoneFails() throws Exception {
        Path config = temp.resolve("agent.conf");
        Files.writeString(config, "server = " + hub.url() + "\ntoken = exr_x\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(doctor(config, Clock.systemUTC()).configPermissions().result())
                .isEqualTo(Check.Result.FAIL);

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw----"));
        assertThat(doctor(config, Clock.systemUTC()).configPermissions().result())
                .isEqualTo(Check.Result.OK);
    }

    @Test
    void aFullRunBeforeEnrolmentReachesTheHubAndSkipsTheCredential() throws Exception {
        Path config = temp.resolve("agent.conf");
        Files.writeString(config, "server = " + hub.url() + "\ntoken = exr_x\npin = " + hub.fingerprint() + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw----"));

        List<Check> checks = doctor(config, Clock.systemUTC()).run(() -> Check.skipped("service", "test"));

        assertThat(checks)
                .extracting(Check::id)
                .containsExactly(
                        "config",
                        "identity",
                        "proxy",
                        "system-proxy",
                        "proxy-auth",
                        "dns",
                        "tcp",
                        "tls",
                        "clock",
                        "credential",
                        "service");
        assertThat(checks).noneMatch(c -> c.result() == Check.Result.FAIL);
    }

    @Test
    void everyAddressOfTheHubIsChecked_aDeadNodeFailsItsTcpCheck() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path config = temp.resolve("agent.conf");
        Files.writeString(
                config,
                "server = " + hub.url() + ", https://127.0.0.1:" + closed + "\ntoken = exr_x\npin = "
                        + hub.fingerprint() + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw----"));

        List<Check> checks = doctor(config, Clock.systemUTC()).run(() -> Check.skipped("service", "test"));

        List<Check> tcp = checks.stream().filter(c -> c.id().equals("tcp")).toList();
        assertThat(tcp).extracting(Check::result).containsExactly(Check.Result.OK, Check.Result.FAIL);
        assertThat(tcp.get(1).detail()).contains("127.0.0.1:" + closed);
    }

    private static int port() {
        return HubEndpoint.parse(hub.url()).base().getPort();
    }
}
