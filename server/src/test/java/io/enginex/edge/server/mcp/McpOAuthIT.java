package io.enginex.edge.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.oauth.OAuthTokens;
import io.enginex.edge.server.store.OAuthStore;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAuth 2.1 on the MCP endpoint against a real hub, the test playing both the MCP client (raw HTTP
 * for the protocol, the MCP Java SDK's client for MCP) and the person's browser (signing in and
 * consenting on the dashboard): discovery, registration, the code flow with PKCE, and each way a
 * token, code or refresh token must be refused. The TypeScript SDK's own OAuth client does the whole
 * flow against a real agent in the e2e test (McpE2EIT). The hub's clock can be moved forward, so a
 * token expires without waiting; that test runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpOAuthIT {
    private static final Pattern TARGET = Pattern.compile("id=\"continue\" href=\"([^\"]+)\"");
    private static final Pattern ACTION =
            Pattern.compile("<form id=\"oauth-decision\" method=\"post\" action=\"([^\"]+)\"");
    private static final String REDIRECT = "http://127.0.0.1:33418/callback";

    private final ShiftableClock clock = new ShiftableClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private TestHub hub;
    private String tenant;
    private String other;
    private AgentSocket socket;
    private AgentSocket otherSocket;
    private String agentId;
    private String otherAgentId;

    @BeforeAll
    void start(@TempDir Path dir) {
        hub = TestHub.start(dir, b -> {}, clock);
        tenant = hub.newTenant();
        other = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        TestAgent otherAgent = hub.register(other);
        agentId = agent.agentId();
        otherAgentId = otherAgent.agentId();
        socket = hub.connectReady(agent, "fs.read");
        otherSocket = hub.connectReady(otherAgent, "fs.read");
    }

    @AfterAll
    void stop() {
        socket.close();
        otherSocket.close();
        hub.close();
    }

    @Test
    void anUnauthenticatedRequestPointsAtTheMetadataThatNamesTheHubAsAuthorizationServer() {
        HttpResponse<String> refused = mcp(null, null, initializeBody());
        assertThat(refused.statusCode()).isEqualTo(401);
        String metadataUrl = hub.url() + "/.well-known/oauth-protected-resource/mcp";
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer ")
                .contains("resource_metadata=\"" + metadataUrl + "\"")
                .doesNotContain("invalid_token");

        JsonNode resource = getJson(metadataUrl);
        assertThat(resource.path("resource").asText()).isEqualTo(hub.url() + "/mcp");
        assertThat(resource.path("authorization_servers").get(0).asText()).isEqualTo(hub.url());
        assertThat(getJson(hub.url() + "/.well-known/oauth-protected-resource")).isEqualTo(resource);
        JsonNode server = getJson(hub.url() + "/.well-known/oauth-authorization-server");
        assertThat(server.path("issuer").asText()).isEqualTo(hub.url());
        assertThat(server.path("authorization_endpoint").asText()).isEqualTo(hub.url() + "/ui/oauth/authorize");
        assertThat(server.path("registration_endpoint").asText()).isEqualTo(hub.url() + "/oauth/register");
        assertThat(server.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(server.path("token_endpoint_auth_methods_supported").toString())
                .isEqualTo("[\"none\"]");

        HttpResponse<String> wrong = mcp("exo_not-a-token", null, initializeBody());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"invalid_token\"")
                .contains("resource_metadata=");
    }

    @Test
    void aPersonsConsentGivesATokenThatUsesTheTenantsToolsAsThem() throws Exception {
        Browser browser = hub.signedIn(tenant, "operator");
        String client = register("Claude Desktop (test)", REDIRECT);
        Flow flow = new Flow(client, REDIRECT.replace("33418", "40001")); // a loopback URI may use any port

        HttpResponse<String> consent = browser.get(flow.authorizePath(hub.url() + "/mcp"));
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
        assertThat(consent.body())
                .contains("Claude Desktop (test)")
                .contains("http://127.0.0.1:40001/callback")
                .contains("id=\"oauth-tenant\">" + tenant + "<")
                .contains("operator");
        String code = consent(browser, consent, flow, true);
        JsonNode tokens = flow.exchange(code);
        String access = tokens.path("access_token").asText();
        assertThat(access).startsWith(OAuthTokens.ACCESS_PREFIX);
        assertThat(tokens.path("token_type").asText()).isEqualToIgnoringCase("Bearer");
        assertThat(tokens.path("expires_in").asInt()).isEqualTo(600);
        assertThat(tokens.path("refresh_token").asText()).isNotEmpty();

        try (McpSyncClient mcp = sdkClient(access);
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<String> names =
                    mcp.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            String fsRead = names.stream()
                    .filter(n -> n.endsWith("__fs_read"))
                    .findFirst()
                    .orElseThrow();
            assertThat(names).as("one agent of this tenant, none of the other").hasSize(2); // + enginex__job_result
            CompletableFuture<McpSchema.CallToolResult> call = CompletableFuture.supplyAsync(
                    () -> mcp.callTool(McpSchema.CallToolRequest.builder(fsRead)
                            .arguments(Map.of("path", "a.txt"))
                            .build()),
                    threads);
            Dispatch dispatch = socket.expect(Dispatch.class);
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("content", "from the agent"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            assertThat(call.get().content().toString()).contains("from the agent");
        }
        JsonNode granted = stream(audit(tenant, "oauth-grant.created"))
                .filter(e -> e.path("details").path("clientId").asText().equals(client))
                .findFirst()
                .orElseThrow();
        assertThat(granted.path("details").path("clientName").asText()).isEqualTo("Claude Desktop (test)");
        assertThat(granted.path("details").path("redirectUri").asText()).isEqualTo("http://127.0.0.1:40001/callback");
        String userId = granted.path("actor").path("id").asText();
        assertThat(audit(tenant, "job.created").findValuesAsText("id")).contains(userId);
    }

    @Test
    void aViewersTokenListsButMayNotCallAnAgentsTool() {
        String access = tokenFor(hub.signedIn(tenant, "viewer"));
        try (McpSyncClient mcp = sdkClient(access)) {
            String fsRead = mcp.listTools().tools().stream()
                    .map(McpSchema.Tool::name)
                    .filter(n -> n.endsWith("__fs_read"))
                    .findFirst()
                    .orElseThrow();
            var refused = mcp.callTool(McpSchema.CallToolRequest.builder(fsRead)
                    .arguments(Map.of("path", "a.txt"))
                    .build());
            assertThat(refused.isError()).isTrue();
            assertThat(refused.content().toString()).contains("forbidden").contains("viewer");
        }
    }

    @Test
    void aTokenOfOneTenantReachesNothingOfAnother() {
        String access = tokenFor(hub.signedIn(tenant, "owner"));
        try (McpSyncClient mine = sdkClient(access)) {
            List<String> agents = mine.listTools().tools().stream()
                    .map(t -> t.meta() == null ? null : (String) t.meta().get("io.enginex/agentId"))
                    .filter(java.util.Objects::nonNull)
                    .toList();
            assertThat(agents).contains(agentId).doesNotContain(otherAgentId);
        }
        // Another tenant's MCP session is not this token's, and the REST API takes no OAuth token.
        String theirSession = initialize(hub.tenantKey(other, "operator"));
        assertThat(mcp(access, theirSession, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(hub.api().get("/api/v1/tenants/" + other + "/agents", access).status())
                .isEqualTo(401);
    }

    @Test
    void aTokenForAnotherResourceIsNeitherIssuedNorTaken() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("elsewhere", REDIRECT), REDIRECT);
        HttpResponse<String> refused = browser.get(flow.authorizePath("https://elsewhere.example/mcp"));
        assertThat(target(refused))
                .startsWith(REDIRECT + "?")
                .contains("error=invalid_target")
                .contains("state=");

        String code = consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true);
        HttpResponse<String> other = flow.tokenRequest(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "code_verifier",
                flow.verifier,
                "redirect_uri",
                flow.redirect,
                "resource",
                "https://elsewhere.example/mcp"));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("invalid_target");

        // A token the hub holds for another audience (as after its URL changed) is refused at /mcp.
        OAuthStore store = hub.hub().stores().oauth();
        String grantId = "ogr_" + TestHub.randomId("aud");
        String token = OAuthTokens.ACCESS_PREFIX + TestHub.randomId("aud");
        String userId = json(browser.get("/api/v1/me").body()).path("id").asText();
        store.createGrant(
                new OAuthStore.Grant(
                        grantId,
                        flow.client,
                        tenant,
                        userId,
                        "https://old-name.example/mcp",
                        "mcp",
                        Instant.now(),
                        null),
                new OAuthStore.Code(Secrets.hash("exc_" + grantId), grantId, REDIRECT, "x", Instant.now(), null));
        store.redeemCode(
                Secrets.hash("exc_" + grantId),
                Instant.now().minusSeconds(1),
                List.of(new OAuthStore.Token(
                        Secrets.hash(token),
                        grantId,
                        OAuthStore.Token.ACCESS,
                        Instant.now().plusSeconds(600),
                        null)));
        HttpResponse<String> wrongAudience = mcp(token, null, initializeBody());
        assertThat(wrongAudience.statusCode()).isEqualTo(401);
        assertThat(wrongAudience.body()).contains("invalid_token").contains("https://old-name.example/mcp");
    }

    @Test
    void aCodeIsGoodOnceAndItsReplayRevokesWhatItGave() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("replayed", REDIRECT), REDIRECT);
        String code = consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true);
        String access = flow.exchange(code).path("access_token").asText();
        assertThat(mcp(access, null, initializeBody()).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = flow.tokenRequest(flow.codeForm(code));

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("invalid_grant").contains("already used");
        assertThat(mcp(access, null, initializeBody()).statusCode())
                .as("the replay revoked the grant")
                .isEqualTo(401);
        assertThat(audit(tenant, "oauth-grant.revoked").toString()).contains("authorization code used twice");
    }

    @Test
    void aWrongVerifierOrAnUnregisteredRedirectIsRefused() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("pkce", REDIRECT), REDIRECT);
        String code = consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true);
        var form = new LinkedHashMap<>(flow.codeForm(code));
        form.put("code_verifier", "a-verifier-that-is-long-enough-but-is-not-the-one-the-challenge-was-made-of");
        HttpResponse<String> wrong = flow.tokenRequest(form);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("invalid_grant").contains("code_verifier");

        Flow elsewhere = new Flow(flow.client, "https://attacker.example/callback");
        HttpResponse<String> page = browser.get(elsewhere.authorizePath(hub.url() + "/mcp"));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("did not register").doesNotContain("http-equiv=\"refresh\"");

        HttpResponse<String> plain = post(
                hub.url() + "/oauth/register",
                "application/json",
                "{\"client_name\":\"plain\",\"redirect_uris\":[\"http://example.com/cb\"]}");
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("invalid_redirect_uri").contains("loopback");
        HttpResponse<String> confidential = post(
                hub.url() + "/oauth/register",
                "application/json",
                "{\"redirect_uris\":[\"https://app.example/cb\"],\"token_endpoint_auth_method\":\"client_secret_basic\"}");
        assertThat(confidential.statusCode()).isEqualTo(400);
        assertThat(confidential.body()).contains("invalid_client_metadata").contains("public clients");
    }

    @Test
    void aDeniedRequestGoesBackWithAccessDenied() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("denied", REDIRECT), REDIRECT);
        String denied = decide(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), false);
        assertThat(denied).startsWith(REDIRECT + "?").contains("error=access_denied");
        assertThat(audit(tenant, "oauth-grant.created").toString()).doesNotContain(flow.client);
    }

    @Test
    void aRefreshTokenIsGoodOnceAndItsReuseRevokesTheGrant() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("refreshing", REDIRECT), REDIRECT);
        JsonNode first =
                flow.exchange(consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true));
        String oldRefresh = first.path("refresh_token").asText();

        JsonNode second = flow.refresh(oldRefresh);
        String access = second.path("access_token").asText();
        assertThat(second.path("refresh_token").asText()).isNotEqualTo(oldRefresh);
        assertThat(mcp(access, null, initializeBody()).statusCode()).isEqualTo(200);

        HttpResponse<String> reused =
                flow.tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", oldRefresh));
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(reused.body()).contains("invalid_grant").contains("already used");
        assertThat(mcp(access, null, initializeBody()).statusCode())
                .as("reuse of a refresh token revokes its grant")
                .isEqualTo(401);
    }

    @Test
    void revocationAndDisablingTheUserEndTheTokens() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("revoked", REDIRECT), REDIRECT);
        JsonNode tokens =
                flow.exchange(consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true));
        HttpResponse<String> revoked = post(
                hub.url() + "/oauth/revoke",
                "application/x-www-form-urlencoded",
                form(Map.of("token", tokens.path("refresh_token").asText(), "client_id", flow.client)));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(mcp(tokens.path("access_token").asText(), null, initializeBody())
                        .statusCode())
                .isEqualTo(401);
        assertThat(flow.tokenRequest(Map.of(
                                "grant_type",
                                "refresh_token",
                                "refresh_token",
                                tokens.path("refresh_token").asText()))
                        .body())
                .contains("invalid_grant");

        JsonNode live =
                flow.exchange(consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true));
        String userId = json(browser.get("/api/v1/me").body()).path("id").asText();
        var disabled = hub.api()
                .exchange(
                        "PATCH",
                        "/api/v1/tenants/" + tenant + "/users/" + userId,
                        hub.platformKey(),
                        Map.of(),
                        Map.of("disabled", true));
        assertThat(disabled.status()).as(disabled.text()).isEqualTo(200);
        assertThat(mcp(live.path("access_token").asText(), null, initializeBody())
                        .statusCode())
                .isEqualTo(401);
        assertThat(flow.refreshRequest(live.path("refresh_token").asText()).body())
                .contains("invalid_grant");
    }

    @Test
    @Order(Integer.MAX_VALUE) // moves the hub's clock
    void anExpiredAccessTokenIsRefusedAndItsRefreshTokenGetsANewOne() {
        Browser browser = hub.signedIn(tenant, "operator");
        Flow flow = new Flow(register("expiring", REDIRECT), REDIRECT);
        JsonNode tokens =
                flow.exchange(consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true));

        clock.shift(OAuthTokens.ACCESS_TTL.plusSeconds(1));

        HttpResponse<String> expired = mcp(tokens.path("access_token").asText(), null, initializeBody());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("expired");
        String fresh = flow.refresh(tokens.path("refresh_token").asText())
                .path("access_token")
                .asText();
        assertThat(mcp(fresh, null, initializeBody()).statusCode()).isEqualTo(200);
    }

    // --- the client's side -------------------------------------------------------------------

    /** One authorization of a registered client: its PKCE verifier, state and redirect URI. */
    private final class Flow {
        final String client;
        final String redirect;
        final String verifier = TestHub.randomId("verifier-0123456789-abcdefghij-klmnopqrstuvwxyz");
        final String state = TestHub.randomId("state");

        Flow(String client, String redirect) {
            this.client = client;
            this.redirect = redirect;
        }

        String authorizePath(String resource) {
            return "/ui/oauth/authorize?"
                    + form(new LinkedHashMap<>(Map.of(
                            "response_type",
                            "code",
                            "client_id",
                            client,
                            "redirect_uri",
                            redirect,
                            "code_challenge",
                            challenge(verifier),
                            "code_challenge_method",
                            "S256",
                            "state",
                            state,
                            "scope",
                            "mcp",
                            "resource",
                            resource)));
        }

        Map<String, String> codeForm(String code) {
            return Map.of(
                    "grant_type", "authorization_code",
                    "code", code,
                    "code_verifier", verifier,
                    "redirect_uri", redirect,
                    "resource", hub.url() + "/mcp");
        }

        JsonNode exchange(String code) {
            return ok(tokenRequest(codeForm(code)));
        }

        JsonNode refresh(String refreshToken) {
            return ok(refreshRequest(refreshToken));
        }

        HttpResponse<String> refreshRequest(String refreshToken) {
            return tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
        }

        HttpResponse<String> tokenRequest(Map<String, String> params) {
            var all = new LinkedHashMap<>(params);
            all.put("client_id", client);
            return post(hub.url() + "/oauth/token", "application/x-www-form-urlencoded", form(all));
        }

        private JsonNode ok(HttpResponse<String> r) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            return json(r.body());
        }
    }

    /** A new user's token for a new client: the whole flow. */
    private String tokenFor(Browser browser) {
        Flow flow = new Flow(register("helper", REDIRECT), REDIRECT);
        return flow.exchange(consent(browser, browser.get(flow.authorizePath(hub.url() + "/mcp")), flow, true))
                .path("access_token")
                .asText();
    }

    /** Allows on the consent page as the person, and reads the code off where it sends them. */
    private String consent(Browser browser, HttpResponse<String> page, Flow flow, boolean allow) {
        String target = decide(browser, page, allow);
        assertThat(target).startsWith(flow.redirect + "?");
        Map<String, String> query = query(URI.create(target).getRawQuery());
        assertThat(query.get("state")).isEqualTo(flow.state);
        return query.get("code");
    }

    /** Submits the consent page's form as the person; where the answer sends them. */
    private static String decide(Browser browser, HttpResponse<String> page, boolean allow) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        String action = html(
                ACTION.matcher(page.body()).results().findFirst().orElseThrow().group(1));
        return target(
                browser.post(action, Map.of("csrf", Browser.csrf(page.body()), "decision", allow ? "allow" : "deny")));
    }

    private String register(String name, String redirect) {
        HttpResponse<String> r = post(
                hub.url() + "/oauth/register",
                "application/json",
                "{\"client_name\":\"%s\",\"redirect_uris\":[\"%s\"],\"token_endpoint_auth_method\":\"none\"}"
                        .formatted(name, redirect));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode client = json(r.body());
        assertThat(client.has("client_secret")).isFalse();
        return client.path("client_id").asText();
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    private JsonNode audit(String t, String type) {
        return hub.api()
                .get("/api/v1/tenants/" + t + "/audit?type=" + type, hub.platformKey())
                .body()
                .path("events");
    }

    private McpSyncClient sdkClient(String bearer) {
        var transport = HttpClientStreamableHttpTransport.builder(hub.url())
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + bearer))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .jsonSchemaValidator((schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null))
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        client.initialize();
        return client;
    }

    private String initialize(String bearer) {
        HttpResponse<String> r = mcp(bearer, null, initializeBody());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static String initializeBody() {
        return """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"oauth-it","version":"1"}}}""";
    }

    private HttpResponse<String> mcp(String bearer, String session, String body) {
        var request = HttpRequest.newBuilder(URI.create(hub.url() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return send(request);
    }

    private HttpResponse<String> post(String url, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode getJson(String url) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Where a "moving on" page sends the browser. */
    private static String target(HttpResponse<String> page) {
        Matcher m = TARGET.matcher(page.body());
        assertThat(m.find())
                .as(
                        "a page that moves on, not %d %s %s",
                        page.statusCode(), page.headers().map(), page.body())
                .isTrue();
        return html(m.group(1));
    }

    private static String html(String attribute) {
        return attribute.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"");
    }

    private static JsonNode json(String text) {
        try {
            return TestHub.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String raw) {
        var map = new LinkedHashMap<String, String>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            map.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return map;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
