package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant admin pins the tenant's agents to a channel or a version: set, shown, audited, cleared, with
 * errors that name the fix; only admins of the tenant may; connected agents that report their updates
 * are sent the pin at once, and every welcome carries it.
 */
class UpdatePinsIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void publishThenStart() throws IOException {
        var repo = new UpdateRepository(UpdateRepository.dirOf(dir), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
        repo.publish("stable", "1.4.0", Map.of("linux-x64", file), List.of(repo.onlineKeysDir()));
        repo.publish("beta", "1.5.0", Map.of("linux-x64", file), List.of(repo.onlineKeysDir()));
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String pinPath(String tenant) {
        return "/api/v1/tenants/" + tenant + "/update-pin";
    }

    static void reportUpdates(AgentSocket socket) {
        socket.send(new UpdateReport(
                socket.nextId(), "1.3.0", "stable", "self", UpdateReport.IDLE, null, null, Instant.now(), null));
    }

    @Test
    void anAdminsPinReachesTheConnectedAgentsAtOnceAndEveryWelcomeAndIsAudited() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        TestAgent reporting = hub.register(tenant);
        try (AgentSocket socket = hub.connect(reporting)) {
            assertThat(socket.hello().updatePin()).isEqualTo(UpdatePin.NONE);
            reportUpdates(socket);
            awaitReporting(tenant, reporting);

            ApiClient.Response set = hub.api().post(pinPath(tenant), admin, Map.of("channel", "beta"));

            assertThat(set.status()).as(set.text()).isEqualTo(200);
            assertThat(set.body().path("channel").asText()).isEqualTo("beta");
            assertThat(set.body().path("reached").asInt()).isEqualTo(1);
            ReleaseNotice notice = socket.expect(ReleaseNotice.class);
            assertThat(notice.pin()).isEqualTo(new UpdatePin("beta", null));
            assertThat(notice.spreadMillis()).isBetween(1_000L, 600_000L);

            hub.api().post(pinPath(tenant), admin, Map.of("version", "1.4.0"));
            assertThat(socket.expect(ReleaseNotice.class).pin()).isEqualTo(new UpdatePin(null, "1.4.0"));
        }
        JsonNode shown =
                hub.api().get(pinPath(tenant), hub.tenantKey(tenant, "viewer")).body();
        assertThat(shown.path("pinned").asBoolean()).isTrue();
        assertThat(shown.path("version").asText()).isEqualTo("1.4.0");
        try (AgentSocket again = hub.connect(reporting)) {
            assertThat(again.hello().updatePin()).isEqualTo(new UpdatePin(null, "1.4.0"));
            reportUpdates(again);
            awaitReporting(tenant, reporting);

            assertThat(hub.api().delete(pinPath(tenant), admin).status()).isEqualTo(200);
            assertThat(again.expect(ReleaseNotice.class).pin()).isEqualTo(UpdatePin.NONE);
        }
        ApiClient.Response none = hub.api().delete(pinPath(tenant), admin);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.body().path("error").path("code").asText()).isEqualTo("pin_not_found");
        JsonNode audit = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=update-pin.changed", hub.platformKey())
                .body()
                .path("events");
        assertThat(audit).hasSize(2);
        assertThat(audit.findValuesAsText("channel")).contains("beta");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/audit?type=update-pin.deleted", hub.platformKey())
                        .body()
                        .path("events"))
                .hasSize(1);
    }

    @Test
    void aPinNamesOneChannelOrPublishedVersionOfTheRepository() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");

        assertThat(error(hub.api().post(pinPath(tenant), admin, Map.of("channel", "beta", "version", "1.4.0"))))
                .isEqualTo("400 invalid_pin");
        assertThat(error(hub.api().post(pinPath(tenant), admin, Map.of()))).isEqualTo("400 invalid_pin");
        assertThat(error(hub.api().post(pinPath(tenant), admin, Map.of("channel", "Nightly!"))))
                .isEqualTo("400 invalid_pin");
        ApiClient.Response unknown = hub.api().post(pinPath(tenant), admin, Map.of("channel", "nightly"));
        assertThat(error(unknown)).isEqualTo("404 channel_not_found");
        assertThat(unknown.text()).contains("[beta, stable]");
        assertThat(error(hub.api().post(pinPath(tenant), admin, Map.of("version", "9.9.9"))))
                .isEqualTo("404 version_not_found");
        assertThat(hub.api().get(pinPath(tenant), admin).body().path("pinned").asBoolean())
                .isFalse();
    }

    @Test
    void onlyAdminsOfTheTenantSetOrClearItsPin() {
        String tenant = hub.newTenant();
        String other = hub.newTenant();

        assertThat(error(hub.api().post(pinPath(tenant), hub.tenantKey(tenant, "operator"), Map.of("channel", "beta"))))
                .startsWith("403");
        assertThat(error(hub.api().post(pinPath(tenant), hub.tenantKey(other, "owner"), Map.of("channel", "beta"))))
                .startsWith("404");
        assertThat(hub.api()
                        .post(pinPath(other), hub.tenantKey(other, "owner"), Map.of("channel", "beta"))
                        .status())
                .isEqualTo(200);
        assertThat(hub.api()
                        .get(pinPath(tenant), hub.tenantKey(tenant, "viewer"))
                        .body()
                        .path("pinned")
                        .asBoolean())
                .isFalse();
        assertThat(hub.api()
                        .delete(pinPath(other), hub.tenantKey(tenant, "owner"))
                        .status())
                .isEqualTo(404);
        assertThat(hub.api()
                        .get(pinPath(other), hub.tenantKey(other, "viewer"))
                        .body()
                        .path("channel")
                        .asText())
                .isEqualTo("beta");
    }

    /** Until the agent's current connection carried an update report (only such connections are sent pins). */
    static void awaitReporting(String tenant, TestAgent agent) {
        await().until(() -> hub.hub()
                .connections()
                .find(tenant, agent.agentId())
                .map(c -> c.updateChannel() != null)
                .orElse(false));
    }

    static String error(ApiClient.Response r) {
        return r.status() + " " + r.body().path("error").path("code").asText();
    }
}
