package io.enginex.edge.server.vault;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.SecretRemoval;
import io.enginex.edge.protocol.SecretSeal;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.CapturedLog;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant secrets on a real hub and PostgreSQL: defined by admins (idempotent, audited without the
 * value), sealed to each in-scope agent's exchange key and sent over its connection, opened only with
 * that key, and — once every agent in scope answered — present in no table of the database and no
 * line of the hub's log. Remote wipes: sent at once or queued until the agent connects, acknowledged
 * and audited.
 */
class TenantSecretsIT {
    private static final String DATABASE =
            TestHub.randomId("vault_it").replace('-', '_').toLowerCase(Locale.ROOT);

    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        admin("CREATE DATABASE " + DATABASE);
        hub = TestHub.start(
                dir, b -> b.database(DatabaseConfig.of(SERVER + DATABASE, "postgres", "")), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        try {
            if (hub != null) {
                hub.close();
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    private static String secrets(String tenant) {
        return "/api/v1/tenants/" + tenant + "/secrets";
    }

    /** An agent's socket whose hello carries its exchange key. */
    private static AgentSocket connect(TestAgent agent, KeyPair exchange) {
        AgentSocket socket = hub.connect(agent);
        socket.send(new Hello(
                socket.nextId(),
                Protocol.VERSION,
                "0.1.0-test",
                "Linux",
                "amd64",
                "test-host",
                List.of(),
                "",
                null,
                Base64.getEncoder().encodeToString(exchange.getPublic().getEncoded())));
        socket.expect(Welcome.class);
        return socket;
    }

    private static String open(TestAgent agent, KeyPair exchange, SecretDelivery d) {
        return new String(
                SecretSeal.open(exchange, d.sealed(), SecretSeal.context(agent.agentId(), d.name(), d.deliveryId())),
                StandardCharsets.UTF_8);
    }

    private static Response define(String tenant, String key, String idempotencyKey, Map<String, Object> body) {
        return hub.api().exchange("POST", secrets(tenant), key, Map.of("Idempotency-Key", idempotencyKey), body);
    }

    @Test
    void aSecretReachesEveryAgentInScopeSealedToItsKeyAndThenNoTableAndNoLogHoldsIt() throws Exception {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String value = "erp-" + TestHub.randomId("v") + "-Pässwörd";
        TestAgent online = hub.register(tenant);
        TestAgent later = hub.register(tenant);
        KeyPair onlineKey = SecretSeal.newKeyPair();
        KeyPair laterKey = SecretSeal.newKeyPair();
        try (CapturedLog log = CapturedLog.json()) {
            try (AgentSocket socket = connect(online, onlineKey)) {
                Response made = define(
                        tenant,
                        admin,
                        "k-" + TestHub.randomId("i"),
                        Map.of("name", "erp-token", "value", value, "scope", "label:test", "cacheFor", "8h"));
                assertThat(made.status()).as(made.text()).isEqualTo(201);
                assertThat(made.text()).doesNotContain(value);
                assertThat(made.body().path("agents").asInt()).isEqualTo(2);
                assertThat(made.body().path("awaitingExchangeKey").asInt()).isEqualTo(1);
                assertThat(made.body().path("valueHeld").asBoolean()).isTrue();

                SecretDelivery d = socket.expect(SecretDelivery.class);
                assertThat(d.name()).isEqualTo("erp-token");
                assertThat(d.cacheSeconds()).isEqualTo(8 * 3600);
                assertThat(d.ciphertext()).doesNotContain(value);
                assertThat(open(online, onlineKey, d)).isEqualTo(value);
                // Sealed to this agent: the other agent's key does not open it.
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> open(online, laterKey, d)))
                        .isInstanceOf(SecretSeal.SealException.class);
                socket.send(new VaultAck(socket.nextId(), d.deliveryId(), VaultAck.STORED, null));
                await().until(() -> delivered(tenant, "erp-token") == 1);
            }
            // The second agent had no exchange key when the secret was defined: it gets it when it connects with one.
            assertThat(hub.api()
                            .get(secrets(tenant) + "/erp-token", admin)
                            .body()
                            .path("valueHeld")
                            .asBoolean())
                    .isTrue();
            try (AgentSocket socket = connect(later, laterKey)) {
                SecretDelivery d = socket.expect(SecretDelivery.class);
                assertThat(open(later, laterKey, d)).isEqualTo(value);
                socket.send(new VaultAck(socket.nextId(), d.deliveryId(), VaultAck.STORED, null));
                await().until(() -> delivered(tenant, "erp-token") == 2);
            }
            JsonNode shown =
                    hub.api().get(secrets(tenant) + "/erp-token", admin).body();
            assertThat(shown.path("valueHeld").asBoolean()).as(shown.toString()).isFalse();
            assertThat(shown.path("deliveries").path("pending").asInt()).isZero();
            assertThat(shown.toString()).doesNotContain(value);

            List<String> found = tablesHolding(value);
            assertThat(found).as("rows holding the value after delivery").isEmpty();
            assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains(value));
            assertThat(log.lines()).anyMatch(line -> line.contains("the hub no longer holds the secret's value"));
        }
        JsonNode audit =
                hub.api().get("/api/v1/tenants/" + tenant + "/audit", admin).body();
        assertThat(audit.findValuesAsText("type"))
                .contains("secret.defined", "secret.delivered", "agent-exchange-key.set");
        assertThat(audit.toString()).doesNotContain(value);
    }

    @Test
    void aDefinitionIsIdempotentAdminOnlyAndBadInputNamesTheFix() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String key = "k-" + TestHub.randomId("i");
        Map<String, Object> body = Map.of("name", "db-pass", "value", "first-value-1");

        Response first = define(tenant, admin, key, body);
        Response retry = define(tenant, admin, key, body);
        Response reused = define(tenant, admin, key, Map.of("name", "db-pass", "value", "other-value-2"));
        Response operator = define(tenant, hub.tenantKey(tenant, "operator"), "k-op", body);
        Response badName = hub.api().post(secrets(tenant), admin, Map.of("name", "no spaces", "value", "x"));
        Response number = hub.api().post(secrets(tenant), admin, Map.of("name", "n", "value", 424242424));
        Response noValue = hub.api().post(secrets(tenant), admin, Map.of("name", "n"));
        Response badCache =
                hub.api().post(secrets(tenant), admin, Map.of("name", "n", "value", "v", "cacheFor", "400d"));
        Response badUse = hub.api().post(secrets(tenant), admin, Map.of("name", "n", "value", "v", "use", "sometimes"));
        Response unknownAgent =
                hub.api().post(secrets(tenant), admin, Map.of("name", "n", "value", "v", "scope", "agent:agt_nope"));

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(retry.get("version")).isEqualTo("1");
        assertThat(reused.status()).isEqualTo(422);
        assertThat(operator.status()).isEqualTo(403);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.message()).contains("1 to 64 letters");
        assertThat(number.status()).isEqualTo(400);
        assertThat(number.text()).doesNotContain("424242424");
        assertThat(noValue.message()).contains("value is required");
        assertThat(badCache.message()).contains("between 1 s and 366 d");
        assertThat(badUse.message()).contains("\"auto\", \"approval\" or \"consent\"");
        assertThat(unknownAgent.status()).isEqualTo(404);
        assertThat(hub.api()
                        .get(secrets(tenant) + "/db-pass", hub.tenantKey(tenant, "viewer"))
                        .get("version"))
                .isEqualTo("1");
        Response replaced = hub.api().post(secrets(tenant), admin, Map.of("name", "db-pass", "value", "v2-value"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.get("version")).isEqualTo("2");
        assertThat(replaced.get("action")).isEqualTo("replaced");
        Response deleted = hub.api().delete(secrets(tenant) + "/db-pass", admin);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(hub.api().get(secrets(tenant) + "/db-pass", admin).status()).isEqualTo(404);
        JsonNode audit =
                hub.api().get("/api/v1/tenants/" + tenant + "/audit", admin).body();
        assertThat(audit.findValuesAsText("type"))
                .containsSubsequence("secret.deleted", "secret.defined", "secret.defined");
        assertThat(audit.toString()).doesNotContain("first-value-1").doesNotContain("v2-value");
    }

    @Test
    void aWipeOfAnOfflineAgentIsQueuedAndAppliedWhenItConnectsBeforeAnythingElse() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        TestAgent agent = hub.register(tenant);
        KeyPair key = SecretSeal.newKeyPair();
        // Pending for it when the wipe comes: the wipe drops it, so it is never sent after the wipe.
        assertThat(hub.api()
                        .post(secrets(tenant), admin, Map.of("name", "old", "value", "old-value"))
                        .status())
                .isEqualTo(201);

        Response wipe = hub.api()
                .exchange(
                        "POST",
                        "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/vault/wipe",
                        admin,
                        Map.of("Idempotency-Key", "w-" + TestHub.randomId("i")),
                        Map.of());
        assertThat(wipe.status()).as(wipe.text()).isEqualTo(202);
        assertThat(wipe.get("state")).isEqualTo("pending");
        Response other = hub.api().post("/api/v1/tenants/" + tenant + "/agents/agt_nope/vault/wipe", admin, Map.of());
        assertThat(other.status()).isEqualTo(404);

        try (AgentSocket socket = connect(agent, key)) {
            VaultWipe w = socket.expect(VaultWipe.class);
            assertThat(w.wipeId()).isEqualTo(wipe.get("id"));
            socket.send(new VaultAck(socket.nextId(), w.wipeId(), VaultAck.WIPED, null));
            await().until(() -> hub.api()
                    .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/vault", admin)
                    .body()
                    .path("wipes")
                    .path(0)
                    .path("state")
                    .asText()
                    .equals("wiped"));
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> socket.next(Duration.ofMillis(500))))
                    .as("the superseded delivery is not sent after the wipe")
                    .isInstanceOf(AssertionError.class);

            // Connected: the next wipe is sent at once.
            Response now = hub.api()
                    .post("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/vault/wipe", admin, Map.of());
            assertThat(socket.expect(VaultWipe.class).wipeId()).isEqualTo(now.get("id"));
        }
        JsonNode vault = hub.api()
                .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/vault", admin)
                .body();
        assertThat(vault.path("exchangeKeyFingerprint").asText()).startsWith("SHA256:");
        assertThat(vault.path("deliveries").path(0).path("state").asText()).isEqualTo("superseded");
        JsonNode audit =
                hub.api().get("/api/v1/tenants/" + tenant + "/audit", admin).body();
        assertThat(audit.findValuesAsText("type")).contains("vault-wipe.requested", "vault.wiped");
        // Nobody is left waiting for "old": the hub stopped holding its value.
        assertThat(hub.api()
                        .get(secrets(tenant) + "/old", admin)
                        .body()
                        .path("valueHeld")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void withHubStorageAnAgentThatJoinsTheScopeLaterGetsTheSecretAndTheHubKeepsItSealed() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String value = "kept-" + TestHub.randomId("v");
        Response made =
                hub.api().post(secrets(tenant), admin, Map.of("name", "share", "value", value, "hubStorage", true));
        assertThat(made.body().path("agents").asInt()).isZero();
        TestAgent agent = hub.register(tenant);
        KeyPair key = SecretSeal.newKeyPair();
        try (AgentSocket socket = connect(agent, key)) {
            SecretDelivery d = socket.expect(SecretDelivery.class);
            assertThat(open(agent, key, d)).isEqualTo(value);
            socket.send(new VaultAck(socket.nextId(), d.deliveryId(), VaultAck.STORED, null));
            await().until(() -> delivered(tenant, "share") == 1);
        }
        assertThat(hub.api()
                        .get(secrets(tenant) + "/share", admin)
                        .body()
                        .path("valueHeld")
                        .asBoolean())
                .isTrue();
        assertThat(tablesHolding(value)).isEmpty(); // held, but sealed under the hub secret
    }

    @Test
    void aRevokedAgentThatNeverAnsweredDoesNotKeepTheValueHeld() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        TestAgent gone = hub.register(tenant);
        TestAgent here = hub.register(tenant);
        KeyPair key = SecretSeal.newKeyPair();
        hub.api().post(secrets(tenant), admin, Map.of("name", "t", "value", "t-value-" + TestHub.randomId("v")));
        Response revoked =
                hub.api().post("/api/v1/tenants/" + tenant + "/agents/" + gone.agentId() + "/revoke", admin, Map.of());
        assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);

        try (AgentSocket socket = connect(here, key)) {
            SecretDelivery d = socket.expect(SecretDelivery.class);
            socket.send(new VaultAck(socket.nextId(), d.deliveryId(), VaultAck.STORED, null));
            await().until(() -> delivered(tenant, "t") == 1);
        }
        await().until(() -> !hub.api()
                .get(secrets(tenant) + "/t", admin)
                .body()
                .path("valueHeld")
                .asBoolean());
    }

    @Test
    void anAgentWithoutAnExchangeKeyIsSentNoVaultFrames() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        hub.api().post(secrets(tenant), hub.platformKey(), Map.of("name", "x", "value", "x-value"));
        try (AgentSocket socket = hub.connectReady(agent)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> socket.next(Duration.ofMillis(500))))
                    .isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void aJobThatUsesASecretDefinedWithUseApprovalWaitsForAPersonWhoSeesTheSecretsNameNotItsValue() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String value = "gated-" + TestHub.randomId("v");
        TestAgent agent = hub.register(tenant);
        assertThat(define(tenant, admin, "k-a", Map.of("name", "erp-db", "value", value, "use", "approval"))
                        .status())
                .isEqualTo(201);
        assertThat(define(tenant, admin, "k-b", Map.of("name", "plain", "value", "plain-value-1"))
                        .status())
                .isEqualTo(201);
        try (AgentSocket socket = hub.connectReady(agent, "exec")) {
            String session = hub.newSession(tenant);
            JsonNode gated = hub.dispatch(
                    tenant,
                    session,
                    agent.agentId(),
                    "exec",
                    Map.of("command", "erp-export", "env", Map.of("ERP_PASSWORD", "secret:erp-db")),
                    60);
            JsonNode free = hub.dispatch(
                    tenant,
                    session,
                    agent.agentId(),
                    "exec",
                    Map.of("command", "erp-export", "env", Map.of("ERP_PASSWORD", "secret:plain")),
                    60);

            assertThat(gated.path("state").asText()).isEqualTo("awaiting_approval");
            assertThat(free.path("state").asText()).isNotEqualTo("awaiting_approval");
            io.enginex.edge.protocol.Dispatch sent = socket.expect(io.enginex.edge.protocol.Dispatch.class);
            assertThat(sent.jobId()).isEqualTo(free.path("id").asText());
            String page = hub.signedIn(tenant, "operator")
                    .get("/ui/approvals/" + gated.path("id").asText())
                    .body();
            assertThat(page).contains("erp-db", "use: approval").doesNotContain(value);
        }
    }

    @Test
    void deletingOrReplacingASecretRemovesTheCopiesAgentsHoldAtOnceOrAtTheirNextHello() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        TestAgent online = hub.register(tenant);
        TestAgent offline = hub.register(tenant);
        KeyPair onlineKey = SecretSeal.newKeyPair();
        KeyPair offlineKey = SecretSeal.newKeyPair();
        try (AgentSocket socket = connect(offline, offlineKey)) {
            hub.api()
                    .post(
                            secrets(tenant),
                            admin,
                            Map.of("name", "erp-token", "value", "first-" + TestHub.randomId("v")));
            SecretDelivery d = socket.expect(SecretDelivery.class);
            socket.send(new VaultAck(socket.nextId(), d.deliveryId(), VaultAck.STORED, null));
            await().until(() -> delivered(tenant, "erp-token") == 1);
        }
        try (AgentSocket socket = connect(online, onlineKey)) {
            SecretDelivery first = socket.expect(SecretDelivery.class);
            socket.send(new VaultAck(socket.nextId(), first.deliveryId(), VaultAck.STORED, null));
            await().until(() -> delivered(tenant, "erp-token") == 2);

            // A new version only for the online agent: it gets the new value at once; the other is told to remove it.
            String second = "second-" + TestHub.randomId("v");
            Response rotated = hub.api()
                    .post(
                            secrets(tenant),
                            admin,
                            Map.of("name", "erp-token", "value", second, "scope", "agent:" + online.agentId()));
            assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
            SecretDelivery replaced = socket.expect(SecretDelivery.class);
            assertThat(open(online, onlineKey, replaced)).isEqualTo(second);
            socket.send(new VaultAck(socket.nextId(), replaced.deliveryId(), VaultAck.STORED, null));

            // Deleted while connected: removed at once.
            assertThat(hub.api().delete(secrets(tenant) + "/erp-token", admin).status())
                    .isEqualTo(200);
            SecretRemoval now = socket.expect(SecretRemoval.class);
            assertThat(now.name()).isEqualTo("erp-token");
            socket.send(new VaultAck(socket.nextId(), now.removalId(), VaultAck.REMOVED, null));
            await().until(() ->
                    removals(tenant, online).path(0).path("state").asText().equals("removed"));
        }
        // Offline through both: at its next hello it is told to remove the copy it holds, and nothing else.
        try (AgentSocket socket = connect(offline, offlineKey)) {
            // One for the version it no longer was in scope of, one for the deletion; removing twice is harmless.
            for (int i = 0; i < 2; i++) {
                SecretRemoval later = socket.expect(SecretRemoval.class);
                assertThat(later.name()).isEqualTo("erp-token");
                socket.send(new VaultAck(socket.nextId(), later.removalId(), VaultAck.REMOVED, null));
            }
            await().until(() ->
                    removals(tenant, offline).findValuesAsText("state").stream().allMatch("removed"::equals));
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> socket.next(Duration.ofMillis(500))))
                    .as("nothing but removals")
                    .isInstanceOfAny(AssertionError.class);
        }
        assertThat(removals(tenant, offline).findValuesAsText("reason")).contains("out-of-scope", "deleted");
        JsonNode audit =
                hub.api().get("/api/v1/tenants/" + tenant + "/audit", admin).body();
        assertThat(audit.findValuesAsText("type")).contains("secret.removed", "secret.deleted");
        // Another tenant's admin does not see the agent's vault.
        String other = hub.newTenant();
        assertThat(hub.api()
                        .get(
                                "/api/v1/tenants/" + tenant + "/agents/" + online.agentId() + "/vault",
                                hub.tenantKey(other, "admin"))
                        .status())
                .isIn(403, 404);
    }

    private static JsonNode removals(String tenant, TestAgent agent) {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/vault", hub.platformKey())
                .body()
                .path("removals");
    }

    private static int delivered(String tenant, String name) {
        return hub.api()
                .get(secrets(tenant) + "/" + name, hub.platformKey())
                .body()
                .path("deliveries")
                .path("stored")
                .asInt();
    }

    /**
     * Every table of the hub's database, every row, every column as text: where {@code value} appears,
     * as it is, in base64 or in hex.
     */
    private static List<String> tablesHolding(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        List<String> needles = List.of(
                value,
                Base64.getEncoder().encodeToString(bytes),
                HexFormat.of().formatHex(bytes),
                Base64.getEncoder().encodeToString(bytes).replace("=", ""));
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(SERVER + DATABASE, "postgres", "");
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("tenant_secrets", "secret_deliveries", "audit_events", "idempotency_keys");
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String text = rs.getString(i);
                            if (text != null && needles.stream().anyMatch(text::contains)) {
                                found.add(table + "." + rs.getMetaData().getColumnName(i));
                            }
                        }
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return found;
    }
}
