package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingEnrolment;
import io.enginex.edge.agent.identity.PendingEnrolmentFile;
import io.enginex.edge.agent.testing.FakeDeviceHub;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of the device authorization grant, against a scripted hub. */
class DeviceRegistrationIT {
    @TempDir
    Path stateDir;

    private final List<String> lines = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private final MessageCodec codec = new MessageCodec();

    private DeviceRegistration flow(FakeDeviceHub hub, HubClient client) {
        IdentityFile file = new IdentityFile(stateDir, codec.mapper());
        HostInfo host = new HostInfo("Linux", "amd64", "laptop-17", "0.1.0-test");
        Registrar registrar = new Registrar(client, file, host, Clock.systemUTC(), lines::add);
        return new DeviceRegistration(
                client,
                file,
                new PendingEnrolmentFile(stateDir, codec.mapper()),
                host,
                registrar,
                lines::add,
                pauses::add,
                Clock.systemUTC());
    }

    @Test
    void whileWaitingThePendingEnrolmentIsOnDiskWithTheKeyFingerprintItPrintedAndGoneAfterwards() {
        var pendingFile = new PendingEnrolmentFile(stateDir, codec.mapper());
        List<PendingEnrolment> seenWhileWaiting = new ArrayList<>();
        List<String> rawWhileWaiting = new ArrayList<>();
        try (var hub = new FakeDeviceHub("authorization_pending", "approved");
                var client = client(hub)) {
            IdentityFile file = new IdentityFile(stateDir, codec.mapper());
            HostInfo host = new HostInfo("Linux", "amd64", "laptop-17", "0.1.0-test");
            var flow = new DeviceRegistration(
                    client,
                    file,
                    pendingFile,
                    host,
                    new Registrar(client, file, host, Clock.systemUTC(), lines::add),
                    lines::add,
                    d -> {
                        pendingFile.read().ifPresent(seenWhileWaiting::add);
                        try {
                            rawWhileWaiting.add(java.nio.file.Files.readString(pendingFile.path()));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    Clock.systemUTC());

            var identity = flow.register("alice", "acme", false);

            assertThat(seenWhileWaiting).isNotEmpty().allSatisfy(p -> {
                assertThat(p.userCode()).isEqualTo(FakeDeviceHub.USER_CODE);
                assertThat(p.tenant()).isEqualTo("acme");
                assertThat(p.keyFingerprint()).isEqualTo(identity.fingerprint());
                assertThat(p.hub()).isEqualTo(hub.url());
            });
            assertThat(String.join("\n", lines)).contains(identity.fingerprint());
            assertThat(hub.authorizations().get(0).path("tenant").asText()).isEqualTo("acme");
            assertThat(pendingFile.read()).isEmpty();
            assertThat(rawWhileWaiting).isNotEmpty().noneMatch(raw -> raw.contains(FakeDeviceHub.DEVICE_CODE));
        }
    }

    @Test
    void aDeniedRequestLeavesNoPendingEnrolmentBehind() {
        var pendingFile = new PendingEnrolmentFile(stateDir, codec.mapper());
        try (var hub = new FakeDeviceHub("access_denied");
                var client = client(hub)) {
            assertThatThrownBy(() -> flow(hub, client).register("alice", null, false))
                    .isInstanceOf(RegistrationException.class);

            assertThat(pendingFile.read()).isEmpty();
        }
    }

    private HubClient client(FakeDeviceHub hub) {
        return new HubClient(
                HubEndpoint.parse(hub.url()),
                new TrustSettings(null, null),
                Map.of(),
                Duration.ofSeconds(5),
                codec.mapper());
    }

    @Test
    void showsTheCodeAndPollsAtTheIntervalGrowingItOnSlowDownUntilApproved() {
        try (var hub = new FakeDeviceHub("authorization_pending", "slow_down", "authorization_pending", "approved");
                var client = client(hub)) {
            var identity = flow(hub, client).register("alice", null, false);

            assertThat(identity.agentId()).isEqualTo("agt_device");
            assertThat(identity.tenant()).isEqualTo("acme");
            assertThat(String.join("\n", lines))
                    .contains(FakeDeviceHub.USER_CODE)
                    .contains(hub.url() + "/device");
            assertThat(pauses)
                    .containsExactly(
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(10));
            assertThat(hub.authorizations().get(0).path("user").asText()).isEqualTo("alice");
            assertThat(hub.authorizations().get(0).path("hostname").asText()).isEqualTo("laptop-17");
            assertThat(hub.authorizations().get(0).path("machineId").asText(""))
                    .isEqualTo(MachineId.current().orElse(""));
            assertThat(hub.polls())
                    .allSatisfy(p -> assertThat(p.path("device_code").asText()).isEqualTo(FakeDeviceHub.DEVICE_CODE));
            assertThat(new IdentityFile(stateDir, codec.mapper()).exists()).isTrue();
            assertThat(String.join("\n", lines)).doesNotContain(FakeDeviceHub.DEVICE_CODE);
        }
    }

    @Test
    void denialAndExpirySayWhatHappenedAndWhatToDo() {
        try (var hub = new FakeDeviceHub("authorization_pending", "access_denied");
                var client = client(hub)) {
            assertThatThrownBy(() -> flow(hub, client).register("alice", null, false))
                    .isInstanceOf(RegistrationException.class)
                    .hasMessageContaining("denied")
                    .hasMessageContaining("--token");
        }
        try (var hub = new FakeDeviceHub("expired_token");
                var client = client(hub)) {
            assertThatThrownBy(() -> flow(hub, client).register("alice", null, false))
                    .hasMessageContaining("expired")
                    .hasMessageContaining("run register again");
        }
        assertThat(new IdentityFile(stateDir, codec.mapper()).exists()).isFalse();
    }

    @Test
    void anExistingIdentityNeedsForce() {
        try (var hub = new FakeDeviceHub("approved", "approved");
                var client = client(hub)) {
            flow(hub, client).register("alice", null, false);

            assertThatThrownBy(() -> flow(hub, client).register("alice", null, false))
                    .hasMessageContaining("--force");
            assertThat(flow(hub, client).register("alice", null, true).agentId())
                    .isEqualTo("agt_device");
        }
    }
}
