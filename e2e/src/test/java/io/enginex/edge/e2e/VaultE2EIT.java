package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local vault with the real hub and agent processes: a secret set with {@code enginex-agent
 * secrets set} on the machine reaches a command's environment through {@code secret:NAME}, the
 * command echoes it, and the result the hub stores says {@code [secret:api-token]}; the value is in no
 * agent file, log or hub file; revoking the agent on the hub wipes its vault. A secret a tenant
 * admin defines on the hub ({@code engine secrets set}) reaches the agent sealed to its exchange key,
 * is used by name the same way, and a remote wipe ({@code engine secrets wipe}) empties the vault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultE2EIT {
    /** Random per run, so a match anywhere can only come from this run's secret. */
    private final String value = "v-" + UUID.randomUUID().toString().replace("-", "");

    /** The value of the secret defined on the hub, random per run too. */
    private final String hubValue = "h-" + UUID.randomUUID().toString().replace("-", "");

    private Path tmp;
    private Path logs;
    private HubProcess hub;
    private AgentProcess agent;
    private HubApi api;
    private String agentId;
    private String session;

    @BeforeAll
    void startHubAndAgent(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        api = hub.api();
        assertThat(hub.cli(
                                "tenants",
                                "create",
                                "acme",
                                "--data-dir",
                                hub.dataDir().toString())
                        .exitCode())
                .isZero();
        Path root = Files.createDirectories(tmp.resolve("files"));
        agent = AgentProcess.of(tmp.resolve("agent-state"), root, logs);
        OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();

        OsProcess.Completed set =
                secrets("set", "api-token", "--from-file", valueFile().toString());
        assertThat(set.exitCode()).as(set.output()).isZero();
        assertThat(set.output()).contains("Stored secret api-token").doesNotContain(value);

        agent.run(List.of("--machine-policy", machinePolicy(root).toString()));
        agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/tenants/acme/agents/" + agentId)
                        .body()
                        .path("connected")
                        .asBoolean());
        session = api.createSession("acme", "vault");
    }

    private Path valueFile() throws IOException {
        Path file = tmp.resolve("value.txt");
        Files.writeString(file, value + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Path machinePolicy(Path root) throws IOException {
        return AgentProcess.machinePolicy(tmp.resolve("policy"), """
                {"version":1,
                 "roots":[{"path":"%s","mode":"read"}],
                 "tools":["exec"],
                 "commands":[
                   {"name":"echo-token","argv":["/bin/sh","-c","echo \\"token=$API_TOKEN\\""],"env":["API_TOKEN"],
                    "timeoutSeconds":10},
                   {"name":"not-granted","argv":["/bin/sh","-c","echo \\"$API_TOKEN\\""],"env":["API_TOKEN"],
                    "timeoutSeconds":10},
                   {"name":"echo-hub","argv":["/bin/sh","-c","echo \\"hub=$HUB_TOKEN\\""],"env":["HUB_TOKEN"],
                    "timeoutSeconds":10}],
                 "secrets":{"exec:echo-token":["api-token"],"exec:echo-hub":["hub-token"]}}
                """.formatted(root.toRealPath()));
    }

    private OsProcess.Completed secrets(String... args) {
        List<String> all = new ArrayList<>(List.of("secrets"));
        all.addAll(List.of(args));
        all.addAll(List.of("--state-dir", agent.stateDir().toString()));
        return OsProcess.run(Jvm.agentJar(), logs.resolve("agent-secrets.log"), Map.of(), all);
    }

    private JsonNode exec(String command) {
        return exec(command, Map.of("API_TOKEN", "secret:api-token"));
    }

    private JsonNode exec(String command, Map<String, String> env) {
        JsonNode job = expect(
                        201, api.dispatch("acme", session, agentId, "exec", Map.of("command", command, "env", env)))
                .body();
        return api.awaitJob("acme", job.path("id").asText());
    }

    @AfterAll
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    @Order(1)
    void aCommandThatEchoesTheSecretReturnsItRedacted() {
        JsonNode done = exec("echo-token");

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("output").path("stdout").asText().strip()).isEqualTo("token=[secret:api-token]");
        assertThat(done.toString()).doesNotContain(value);
    }

    @Test
    @Order(2)
    void aTemplateThePolicyDoesNotGrantTheSecretIsRefused() {
        JsonNode done = exec("not-granted");

        assertThat(done.path("state").asText()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asText()).isEqualTo("blocked_by_policy");
        assertThat(done.path("error").path("message").asText())
                .contains("the secret api-token may not be used by exec:not-granted");
    }

    @Test
    @Order(3)
    void aSecretDefinedOnTheHubIsDeliveredSealedAndUsedByName() throws IOException {
        Path file = tmp.resolve("hub-value.txt");
        Files.writeString(file, hubValue + "\n");
        OsProcess.Completed set = hub.cli(
                "secrets",
                "set",
                "--data-dir",
                hub.dataDir().toString(),
                "--tenant",
                "acme",
                "--scope",
                "agent:" + agentId,
                "--cache-for",
                "1h",
                "--value-file",
                file.toString(),
                "hub-token");
        assertThat(set.exitCode()).as(set.output()).isZero();
        assertThat(set.output()).contains("Secret hub-token created").doesNotContain(hubValue);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v1/tenants/acme/secrets/hub-token")
                                .body()
                                .path("deliveries")
                                .path("stored")
                                .asInt()
                        == 1);

        JsonNode done = exec("echo-hub", Map.of("HUB_TOKEN", "secret:hub-token"));

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("output").path("stdout").asText().strip()).isEqualTo("hub=[secret:hub-token]");
        JsonNode secret = api.get("/api/v1/tenants/acme/secrets/hub-token").body();
        assertThat(secret.path("valueHeld").asBoolean()).as(secret.toString()).isFalse();
        assertThat(Files.readString(agent.stateDir().resolve("audit.jsonl")))
                .contains("\"event\":\"secret.delivered\",\"secret\":\"hub-token\"");
    }

    @Test
    @Order(4)
    void aTenantAdminWipesTheAgentsVaultRemotely() {
        OsProcess.Completed wipe =
                hub.cli("secrets", "wipe", "--data-dir", hub.dataDir().toString(), "--tenant", "acme", agentId);
        assertThat(wipe.exitCode()).as(wipe.output()).isZero();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v1/tenants/acme/agents/" + agentId + "/vault")
                        .body()
                        .path("wipes")
                        .path(0)
                        .path("state")
                        .asText()
                        .equals("wiped"));
        assertThat(agent.stateDir().resolve("vault.json")).doesNotExist();
        JsonNode done = exec("echo-hub", Map.of("HUB_TOKEN", "secret:hub-token"));
        assertThat(done.path("state").asText()).isEqualTo("failed");
        assertThat(done.path("error").path("code").asText()).as(done.toString()).isEqualTo("not_found");

        // Set on the machine again, for the revocation below.
        OsProcess.Completed set;
        try {
            set = secrets("set", "api-token", "--from-file", valueFile().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(set.exitCode()).as(set.output()).isZero();
    }

    @Test
    @Order(5)
    void revokingTheAgentOnTheHubWipesItsVault() throws IOException {
        Path state = agent.stateDir();
        assertThat(state.resolve("vault.json")).exists();

        expect(200, api.post("/api/v1/tenants/acme/agents/" + agentId + "/revoke", Map.of()));

        assertThat(agent.process().awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(state.resolve("vault.json")).doesNotExist();
        assertThat(state.resolve("vault.key")).doesNotExist();
        assertThat(Files.readString(state.resolve("audit.jsonl")))
                .contains("\"event\":\"secret.set\",\"secret\":\"api-token\"")
                .contains("\"event\":\"secret.used\"")
                .contains("\"event\":\"vault.wiped\",\"by\":\"tenant admin\",\"via\":\"hub\"")
                .contains("\"event\":\"vault.wiped\",\"by\":\"revocation\"");
        assertThat(secrets("list").output()).contains("The vault has no secrets");
    }

    @Test
    @Order(6)
    void theValueIsInNoAgentFileLogOrHubFile() throws IOException {
        agent.close();
        hub.close();
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(agent.stateDir(), hub.dataDir(), logs)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        byte[] needle = value.getBytes(StandardCharsets.UTF_8);
        byte[] redacted = "[secret:api-token]".getBytes(StandardCharsets.UTF_8);
        List<Path> holdingTheRedactedResult = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertThat(indexOf(bytes, needle))
                    .as("the secret's value in %s", file)
                    .isEqualTo(-1);
            assertThat(indexOf(bytes, hubValue.getBytes(StandardCharsets.UTF_8)))
                    .as("the hub-defined secret's value in %s", file)
                    .isEqualTo(-1);
            if (indexOf(bytes, redacted) >= 0) {
                holdingTheRedactedResult.add(file);
            }
        }
        // The search can see results: the redacted one is in the hub's database and the agent's journal.
        assertThat(holdingTheRedactedResult)
                .anySatisfy(
                        f -> assertThat(f.toString()).startsWith(hub.dataDir().toString()))
                .anySatisfy(f -> assertThat(f.getFileName().toString()).isEqualTo("journal.jsonl"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
