package io.enginex.edge.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.server.Hub;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.config.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A real hub in-process for integration tests: embedded H2 in a temporary directory, plain HTTP on
 * 127.0.0.1 and a free port (unless customised), rate limits high enough not to get in the way; plus
 * shortcuts for the steps most tests start with.
 */
public final class TestHub implements AutoCloseable {
    public static final ObjectMapper MAPPER = MessageCodec.newMapper(FrameLimits.DEFAULT);

    private final Hub hub;
    private final HttpClient http;
    private final ApiClient api;
    private final String platformKey;

    private TestHub(Hub hub, HttpClient http) {
        this.hub = hub;
        this.http = http;
        this.api = new ApiClient(hub.url(), http, MAPPER);
        try {
            this.platformKey = Files.readString(hub.config().dataDir().resolve(Hub.ADMIN_KEY_FILE))
                    .trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestHub start(Path dataDir) {
        return start(dataDir, b -> {}, Clock.systemUTC());
    }

    public static TestHub start(Path dataDir, Consumer<HubConfig.Builder> customize, Clock clock) {
        HubConfig.Builder builder = defaults(dataDir);
        customize.accept(builder);
        return new TestHub(Hub.start(builder.build(), clock), HttpClient.newHttpClient());
    }

    /** Starts a hub with a custom HTTP client (TLS tests). */
    public static TestHub start(HubConfig config, HttpClient http) {
        return new TestHub(Hub.start(config), http);
    }

    public static HubConfig.Builder defaults(Path dataDir) {
        return HubConfig.builder(dataDir)
                .bind("127.0.0.1", 0)
                .tls(TlsConfig.insecureHttp())
                .nodeName("test-hub")
                .rateLimits(10_000, 10_000)
                .enrolmentRate(10_000);
    }

    public Hub hub() {
        return hub;
    }

    public String url() {
        return hub.url();
    }

    public HttpClient http() {
        return http;
    }

    public ApiClient api() {
        return api;
    }

    public String platformKey() {
        return platformKey;
    }

    /**
     * A password test users are created with (passing the password policy): a password the hub
     * generates is a one-time password, good only for choosing a new one.
     */
    public static final String USER_PASSWORD = "plum kettle orbit glacier 7";

    /** A browser signed in as a new user of {@code tenant} with {@code role} (password {@link #USER_PASSWORD}). */
    public Browser signedIn(String tenant, String role) {
        String email = randomId(role) + "@example.com";
        var r = api().post(
                        "/api/v1/tenants/" + tenant + "/users",
                        platformKey(),
                        Map.of("email", email, "role", role, "password", USER_PASSWORD));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return new Browser(url()).signIn(email, USER_PASSWORD);
    }

    public static String randomId(String prefix) {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return prefix + "-" + HexFormat.of().formatHex(b);
    }

    /** Creates a tenant with a random id and returns the id. */
    public String newTenant() {
        String id = randomId("t");
        var r = api.post("/api/v1/tenants", platformKey, Map.of("id", id, "name", "Tenant " + id));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return id;
    }

    /** Makes an API key of {@code tenant} with {@code role} and returns its secret. */
    public String tenantKey(String tenant, String role) {
        var r = api.post("/api/v1/tenants/" + tenant + "/api-keys", platformKey, Map.of("role", role));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.get("key");
    }

    /** Makes a registration token and returns its secret. */
    public String newToken(String tenant, Map<String, Object> body) {
        var r = api.post("/api/v1/tenants/" + tenant + "/registration-tokens", platformKey, body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.get("token");
    }

    public ApiClient.Response registerWith(String token, KeyPair keys) {
        return api.post(
                "/api/v1/agent/register",
                null,
                Map.of(
                        "token", token,
                        "publicKey", TestAgent.publicKeyBase64(keys),
                        "hostname", "test-host",
                        "os", "Linux",
                        "arch", "amd64",
                        "agentVersion", "0.1.0-test"));
    }

    /** Registers a new agent in {@code tenant} with a one-use token. */
    public TestAgent register(String tenant) {
        KeyPair keys = TestAgent.newKeyPair();
        var r = registerWith(newToken(tenant, Map.of("labels", List.of("test"))), keys);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return new TestAgent(r.get("agentId"), tenant, keys);
    }

    public ApiClient.Response requestAccessToken(String assertion) {
        return api.post("/api/v1/agent/token", null, Map.of("assertion", assertion));
    }

    public String accessToken(TestAgent agent) {
        var r = requestAccessToken(agent.assertion());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.get("accessToken");
    }

    /** Opens the agent's socket (no hello yet). */
    public AgentSocket connect(TestAgent agent) {
        return AgentSocket.open(http, url(), accessToken(agent));
    }

    /** Opens the agent's socket and says hello offering {@code tools}. */
    public AgentSocket connectReady(TestAgent agent, String... tools) {
        AgentSocket socket = connect(agent);
        socket.hello(tools);
        return socket;
    }

    public String newSession(String tenant) {
        var r = api.post("/api/v1/tenants/" + tenant + "/sessions", platformKey, Map.of("name", "test session"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.get("id");
    }

    /** Creates a job and returns the API's answer (201 expected). */
    public JsonNode dispatch(String tenant, String session, String agentId, String tool, Object args, int timeout) {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                platformKey,
                Map.of("agentId", agentId, "tool", tool, "args", args, "timeoutSeconds", timeout));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body();
    }

    public JsonNode job(String tenant, String jobId) {
        var r = api.get("/api/v1/tenants/" + tenant + "/jobs/" + jobId, platformKey);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    public static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() {
        hub.close();
    }
}
