package io.enginex.edge.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP endpoint's own rules on a real hub, spoken as raw Streamable HTTP (the e2e test drives it
 * with the TypeScript SDK): a retried {@code tools/call} with the same JSON-RPC id in the same session
 * runs the tool once; a session belongs to the key that opened it; a platform key is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpEndpointIT {
    private TestHub hub;
    private final HttpClient http = HttpClient.newHttpClient();
    private String tenant;
    private String key;
    private TestAgent agent;
    private AgentSocket socket;

    @BeforeAll
    void start(@TempDir Path dir) {
        hub = TestHub.start(dir);
        tenant = hub.newTenant();
        key = hub.tenantKey(tenant, "operator");
        agent = hub.register(tenant);
        socket = hub.connectReady(agent, "fs.read");
    }

    @AfterAll
    void stop() {
        socket.close();
        hub.close();
    }

    @Test
    void aRetriedCallWithTheSameRequestIdRunsTheToolOnce() throws Exception {
        String session = initialize(key);
        String name = toolName(session);
        String call = """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"%s","arguments":{"path":"a.txt"}}}
                """.formatted(name);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<JsonNode> first =
                    CompletableFuture.supplyAsync(() -> message(post(key, session, call)), threads);
            Dispatch dispatch = socket.expect(Dispatch.class);
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("content", "hello"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            JsonNode answer = first.get();

            JsonNode again = message(post(key, session, call));

            String jobId = answer.at("/result/_meta/io.enginex~1jobId").asText();
            assertThat(answer.at("/result/content/0/text").asText()).contains("hello");
            assertThat(again.at("/result/_meta/io.enginex~1jobId").asText()).isEqualTo(jobId);
            JsonNode job = hub.job(tenant, jobId);
            assertThat(job.path("attempt").asInt()).as("sent once").isEqualTo(1);
            assertThat(dispatch.requestedBy())
                    .as("the person asked for consent sees the caller and the MCP client")
                    .startsWith("API key key_")
                    .endsWith(" via MCP client it 1")
                    .isEqualTo(job.path("requestedBy").asText());
            var jobs = hub.api()
                    .get(
                            "/api/v1/tenants/" + tenant + "/sessions/"
                                    + job.path("sessionId").asText(),
                            hub.platformKey())
                    .body()
                    .path("jobs");
            assertThat(jobs).hasSize(1);
        }
    }

    @Test
    void aClientIsToldWhenItsTenantsToolsChangeAndAnotherTenantsClientIsNot() {
        String otherTenant = hub.newTenant();
        List<List<String>> changes = new CopyOnWriteArrayList<>();
        List<List<String>> otherChanges = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = sdkClient(key, changes);
                McpSyncClient other = sdkClient(hub.tenantKey(otherTenant, "operator"), otherChanges)) {
            assertThat(names(client.listTools().tools())).noneMatch(n -> n.endsWith("__fs_list"));
            other.listTools();

            TestAgent second = hub.register(tenant);
            try (AgentSocket secondSocket = hub.connectReady(second, "fs.list")) {
                assertThat(secondSocket.isClosed()).isFalse();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> changes.stream().anyMatch(l -> l.stream().anyMatch(n -> n.endsWith("__fs_list"))));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            !changes.isEmpty() && changes.getLast().stream().noneMatch(n -> n.endsWith("__fs_list")));

            assertThat(otherChanges)
                    .as("another tenant's agent changes nothing of this tenant's")
                    .isEmpty();
        }
    }

    @Test
    void theTenantsToolRulesHideAToolFromARoleRefuseItsCallAndTellItsClients() {
        String ruled = hub.newTenant();
        TestAgent laptop = hub.register(ruled);
        String operator = hub.tenantKey(ruled, "operator");
        String admin = hub.tenantKey(ruled, "admin");
        List<List<String>> changes = new CopyOnWriteArrayList<>();
        try (AgentSocket laptopSocket = hub.connectReady(laptop, "fs.read", "fs.list");
                McpSyncClient client = sdkClient(operator, changes)) {
            assertThat(laptopSocket.isClosed()).isFalse();
            String fsRead = names(client.listTools().tools()).stream()
                    .filter(n -> n.endsWith("__fs_read"))
                    .findFirst()
                    .orElseThrow();

            var set = hub.api()
                    .exchange(
                            "PUT",
                            "/api/v1/tenants/" + ruled + "/mcp/tool-rules",
                            admin,
                            Map.of(),
                            Map.of("roles", Map.of("operator", Map.of("deny", List.of("fs.read")))));
            assertThat(set.status()).as(set.text()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !changes.isEmpty() && !changes.getLast().contains(fsRead));
            assertThat(changes.getLast()).anyMatch(n -> n.endsWith("__fs_list"));
            var refused = client.callTool(McpSchema.CallToolRequest.builder(fsRead)
                    .arguments(Map.of("path", "a.txt"))
                    .build());
            assertThat(refused.isError()).isTrue();
            assertThat(refused.content().toString())
                    .contains("tool_not_allowed")
                    .contains("operator");
            try (McpSyncClient asAdmin = sdkClient(admin, new CopyOnWriteArrayList<>())) {
                assertThat(names(asAdmin.listTools().tools()))
                        .as("no rules for admins")
                        .contains(fsRead);
            }
            JsonNode audited = hub.api()
                    .get("/api/v1/tenants/" + ruled + "/audit?type=mcp-tool-rules.changed", hub.platformKey())
                    .body();
            assertThat(audited.get("events")).hasSize(1);
        }
    }

    /** The official MCP Java SDK's client on this hub, recording the lists it re-reads on list_changed. */
    private McpSyncClient sdkClient(String apiKey, List<List<String>> changes) {
        var transport = HttpClientStreamableHttpTransport.builder(hub.url())
                .endpoint("/mcp")
                .openConnectionOnStartup(true)
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + apiKey))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                // The hub declares no output schemas, and the SDK's validator library is left out (see the POM).
                .jsonSchemaValidator((schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null))
                .requestTimeout(Duration.ofSeconds(20))
                .toolsChangeConsumer(tools -> changes.add(names(tools)))
                .build();
        client.initialize();
        return client;
    }

    private static List<String> names(List<McpSchema.Tool> tools) {
        return tools.stream().map(McpSchema.Tool::name).toList();
    }

    @Test
    void aSessionBelongsToTheKeyThatOpenedIt() {
        String session = initialize(key);
        String otherKey = hub.tenantKey(tenant, "operator");

        HttpResponse<String> taken =
                post(otherKey, session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(taken.statusCode()).isEqualTo(404);
        assertThat(taken.body()).contains("mcp_session_not_found");
    }

    @Test
    void aPlatformKeyIsRefusedWithTheFix() {
        HttpResponse<String> refused = post(hub.platformKey(), null, initializeBody());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("tenant_key_required").contains("engine api-keys create");
    }

    private String toolName(String session) {
        JsonNode list = message(post(key, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"));
        List<String> names = list.at("/result/tools").findValuesAsText("name");
        return names.stream()
                .filter(n -> n.endsWith("__fs_read"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no fs_read tool in " + list));
    }

    private String initialize(String apiKey) {
        HttpResponse<String> r = post(apiKey, null, initializeBody());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(apiKey, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .statusCode())
                .isEqualTo(202);
        return session;
    }

    private static String initializeBody() {
        return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
    }

    private HttpResponse<String> post(String apiKey, String session, String body) {
        var request = HttpRequest.newBuilder(URI.create(hub.url() + "/mcp"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The JSON-RPC message of an answer, plain JSON or the data of its server-sent event. */
    private static JsonNode message(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String body = r.body();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                body = line.substring(5).strip();
            }
        }
        try {
            return TestHub.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }
}
