package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.ToolDescriptor;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's foundation over plain HTTP: sign-in, cookies, CSRF, roles, assets, live updates. */
class DashboardIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static String tenant;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        tenant = hub.newTenant();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** Makes a user of the tenant and returns its password. */
    static String user(String email, String role) {
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", role, "password", TestHub.USER_PASSWORD));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return TestHub.USER_PASSWORD;
    }

    static String email(String who) {
        return TestHub.randomId(who) + "@example.com";
    }

    @Test
    void pagesSendStrangersToSignInAndBackToWhereTheyWereGoing() {
        var browser = new Browser(hub.url());
        var fleet = browser.get("/ui/fleet");
        assertThat(fleet.statusCode()).isEqualTo(303);
        assertThat(fleet.headers().firstValue("Location")).hasValue("/ui/login?next=%2Fui%2Ffleet");
        assertThat(browser.get("/").headers().firstValue("Location")).hasValue("/ui");
        assertThat(browser.get("/ui").headers().firstValue("Location")).hasValue("/ui/login");

        String email = email("ops");
        String password = user(email, "operator");
        String csrf = Browser.csrf(
                browser.get("/ui/login?next=%2Fui%2Ffleet%3Fstate%3Donline").body());
        var signedIn = browser.post(
                "/ui/login",
                Map.of("csrf", csrf, "email", email, "password", password, "next", "/ui/fleet?state=online"));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/ui/fleet?state=online");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("enginex_session="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain("Secure"); // plain loopback

        var page = browser.get("/ui/fleet");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(email).contains("operator").contains("href=\"/ui/registration\"");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(browser.get("/ui/login").headers().firstValue("Location")).hasValue("/ui/fleet");
    }

    @Test
    void theSignInPageSendsNoOneToAnotherSiteAndEscapesNextWhereItShowsIt() {
        String email = email("redirect");
        String password = user(email, "operator");
        var hostile = List.of(
                "//evil.example/ui/fleet",
                "https://evil.example/ui/fleet",
                "/\\evil.example",
                "/ui/%2F%2Fevil.example",
                "/ui/%252F%252Fevil.example",
                "javascript:alert(1)");
        for (String next : hostile) {
            var browser = new Browser(hub.url());
            String csrf = Browser.csrf(browser.get("/ui/login").body());
            var signedIn =
                    browser.post("/ui/login", Map.of("csrf", csrf, "email", email, "password", password, "next", next));
            assertThat(signedIn.headers().firstValue("Location")).as(next).hasValue("/ui/fleet");
        }

        var markup = new Browser(hub.url())
                .get("/ui/login?next="
                        + java.net.URLEncoder.encode(
                                "/ui/fleet?q=\"><script>alert(1)</script>", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(markup.body()).doesNotContain("<script>alert(1)").contains("value=\"/ui/fleet?q=&#34;>&lt;script>");
        var outside = new Browser(hub.url()).get("/ui/login?next=%2F%2Fevil.example");
        assertThat(outside.body()).doesNotContain("evil.example");
    }

    @Test
    void navigationFollowsTheRole() {
        String email = email("viewer");
        var browser = new Browser(hub.url()).signIn(email, user(email, "viewer"));
        String page = browser.get("/ui/fleet").body();
        assertThat(page).contains("href=\"/ui/fleet\"").doesNotContain("href=\"/ui/registration\"");
        assertThat(Pattern.compile("aria-current=\"page\">Fleet").matcher(page).find())
                .isTrue();
    }

    @Test
    void wrongPasswordAndUnknownEmailFailAlikeAndAFormWithoutItsTokenIsRefused() {
        String email = email("owner");
        String password = user(email, "owner");
        var browser = new Browser(hub.url());
        var wrong = browser.signInAttempt(email, password + "x");
        var unknown = browser.signInAttempt(email("nobody"), password);
        for (var r : java.util.List.of(wrong, unknown)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("Wrong email or password.").doesNotContain("no user");
        }
        var forged = browser.post("/ui/login", Map.of("csrf", "guessed", "email", email, "password", password));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("enginex_session="));
        var audit = hub.api().get("/api/v1/tenants/" + tenant + "/audit?type=login.failed", hub.platformKey());
        assertThat(audit.text()).contains(email).contains("dashboard");
    }

    @Test
    void signInAttemptsSpendTheApiLoginsPerEmailLimit() {
        String email = email("limited");
        String password = user(email, "viewer");
        var browser = new Browser(hub.url());
        int refusedAt = -1;
        for (int i = 1; i <= 20 && refusedAt < 0; i++) {
            var r = browser.signInAttempt(email, "wrong password " + i);
            if (r.statusCode() == 429) {
                refusedAt = i;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("Too many sign-in attempts");
            }
        }
        // 10 a minute, refilled evenly: slow password hashing on a busy machine may earn one or two more
        assertThat(refusedAt)
                .as("the attempt that exceeds 10 a minute is refused")
                .isBetween(11, 13);
        assertThat(browser.signInAttempt(email, password).statusCode()).isEqualTo(429);
    }

    @Test
    void signOutNeedsTheFormsTokenAndEndsTheSession() {
        String email = email("leaving");
        var browser = new Browser(hub.url()).signIn(email, user(email, "viewer"));
        String csrf = Browser.csrf(browser.get("/ui/fleet").body());

        assertThat(browser.post("/ui/logout", Map.of()).statusCode()).isEqualTo(403);
        assertThat(browser.get("/ui/fleet").statusCode()).isEqualTo(200);

        var out = browser.post("/ui/logout", Map.of("csrf", csrf));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("/ui/login?signedOut");
        assertThat(browser.get("/ui/fleet").statusCode()).isEqualTo(303);
    }

    @Test
    void assetsAreServedFromTheBuildUnderVersionedNames() {
        String email = email("assets");
        var browser = new Browser(hub.url()).signIn(email, user(email, "viewer"));
        String page = browser.get("/ui/fleet").body();
        var urls = Pattern.compile("(?:href|src)=\"(/ui/assets/[^\"]+)\"")
                .matcher(page)
                .results()
                .map(m -> m.group(1))
                .toList();
        assertThat(urls)
                .contains("/ui/assets/htmx-2.0.8.min.js", "/ui/assets/htmx-ext-sse-2.2.2.js")
                .anyMatch(u -> u.matches("/ui/assets/dashboard-[0-9a-f]{10}\\.css"))
                .anyMatch(u -> u.matches("/ui/assets/dashboard-[0-9a-f]{10}\\.js"));
        for (String url : urls) {
            var asset = browser.get(url);
            assertThat(asset.statusCode()).as(url).isEqualTo(200);
            assertThat(asset.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        }
        assertThat(browser.get("/ui/assets/htmx-1.0.0.min.js").statusCode()).isEqualTo(404);
    }

    @Test
    void fleetTableUpdatesLiveWhenAnAgentConnectsAndLeaves() {
        String email = email("watcher");
        var browser = new Browser(hub.url()).signIn(email, user(email, "viewer"));
        TestAgent agent = hub.register(tenant);
        assertThat(browser.get("/ui/fleet").body()).contains(agent.agentId());

        try (var events = browser.events("/ui/fleet/live?q=" + agent.agentId())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.text().contains("event: ready"));
            AgentSocket socket = hub.connectReady(agent, "fs.list");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.text().contains("event: row")
                            && events.text().contains("data-state=\"online\""));
            socket.close();
            int before = events.lines().size();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.lines().subList(before, events.lines().size()).stream()
                            .anyMatch(l -> l.contains("data-state=\"offline\"")));
        }
    }

    @Test
    void anOperatorRevokesASessionPageLinkOnTheSessionPage() {
        String key = hub.tenantKey(tenant, "operator");
        var created = hub.api().post("/api/v1/tenants/" + tenant + "/sessions", key, Map.of("name", "shared"));
        String sid = created.get("id");
        java.net.URI link = java.net.URI.create(created.get("pageUrl"));
        String linkPath = link.getRawPath() + "?" + link.getRawQuery();
        String linkId = link.getQuery().split("\\.")[1];
        assertThat(hub.api().get(linkPath, null).status()).isEqualTo(200);

        String viewerEmail = email("link-reader");
        var reader = new Browser(hub.url()).signIn(viewerEmail, user(viewerEmail, "viewer"));
        assertThat(reader.get("/ui/sessions/" + sid).body()).doesNotContain("revoke-" + linkId);
        String opsEmail = email("link-revoker");
        var ops = new Browser(hub.url()).signIn(opsEmail, user(opsEmail, "operator"));
        String page = ops.get("/ui/sessions/" + sid).body();
        assertThat(page).contains("Page links").contains("id=\"revoke-" + linkId + "\"");

        var revoked =
                ops.post("/ui/sessions/" + sid + "/links/" + linkId + "/revoke", Map.of("csrf", Browser.csrf(page)));

        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(hub.api().get(linkPath, null).status()).isEqualTo(403);
        assertThat(ops.get("/ui/sessions/" + sid).body()).contains("revoked").doesNotContain("revoke-" + linkId);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/audit?type=page-link.revoked", hub.platformKey())
                        .text())
                .contains(linkId);
    }

    @Test
    void agentPageShowsItsToolsAndAnOperatorRevokesIt() {
        TestAgent agent = hub.register(tenant);
        AgentSocket socket = hub.connectReady(agent, "fs.list", "fs.read");
        String viewerEmail = email("reader");
        var reader = new Browser(hub.url()).signIn(viewerEmail, user(viewerEmail, "viewer"));
        var page = reader.get("/ui/agents/" + agent.agentId());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("fs.list")
                .contains("fs.read")
                .contains("has not reported its effective policy")
                .doesNotContain("id=\"revoke\"");
        String readerCsrf = Browser.csrf(page.body());
        assertThat(reader.post("/ui/agents/" + agent.agentId() + "/revoke", Map.of("csrf", readerCsrf))
                        .statusCode())
                .isEqualTo(403);
        assertThat(reader.get("/ui/agents/agt_nope").statusCode()).isEqualTo(404);

        String opsEmail = email("revoker");
        var ops = new Browser(hub.url()).signIn(opsEmail, user(opsEmail, "operator"));
        String body = ops.get("/ui/agents/" + agent.agentId()).body();
        assertThat(body).contains("id=\"revoke\"");
        assertThat(ops.post("/ui/agents/" + agent.agentId() + "/revoke", Map.of())
                        .statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        var revoked = ops.post("/ui/agents/" + agent.agentId() + "/revoke", Map.of("csrf", Browser.csrf(body)));
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(socket.awaitClose(Duration.ofSeconds(5))).isEqualTo(4001);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                        .get("revokedAt"))
                .isNotEmpty();
        assertThat(ops.get(revoked.headers().firstValue("Location").orElseThrow())
                        .body())
                .contains("Agent revoked")
                .contains("badge revoked")
                .doesNotContain("id=\"revoke\"");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/audit?type=agent.revoked", hub.platformKey())
                        .text())
                .contains(agent.agentId())
                .contains("dashboard");
    }

    @Test
    void operatorsMakeTokensOnTheRegistrationPageAndSeeThemOnce() {
        String viewerEmail = email("looker");
        var viewer = new Browser(hub.url()).signIn(viewerEmail, user(viewerEmail, "viewer"));
        assertThat(viewer.get("/ui/registration").statusCode()).isEqualTo(403);

        String email = email("it");
        var ops = new Browser(hub.url()).signIn(email, user(email, "operator"));
        String csrf = Browser.csrf(ops.get("/ui/registration").body());
        var created = ops.post(
                "/ui/registration/tokens",
                Map.of(
                        "csrf",
                        csrf,
                        "ttlSeconds",
                        "86400",
                        "maxUses",
                        "5",
                        "labels",
                        "finance, eu",
                        "description",
                        "<b>laptops</b>"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var secret = Pattern.compile("id=\"token-secret\">(exr_[^<]+)<").matcher(created.body());
        assertThat(secret.find()).isTrue();
        String token = secret.group(1);
        assertThat(created.body())
                .contains("printf 'server = " + hub.url() + "\\ntoken = " + token)
                .contains("REGISTRATION_TOKEN=" + token)
                .contains("enginex-agent register --server " + hub.url() + " --token " + token)
                .contains("&lt;b&gt;laptops&lt;/b&gt;")
                .contains("0 / 5");
        assertThat(ops.get("/ui/registration").body()).doesNotContain(token).contains("finance");

        var registered = hub.registerWith(token, TestAgent.newKeyPair());
        assertThat(registered.status()).isEqualTo(201);
        var list = ops.get("/ui/registration").body();
        assertThat(list).contains("1 / 5").contains("/ui/agents/" + registered.get("agentId"));

        String tokenId = hub
                .api()
                .get("/api/v1/tenants/" + tenant + "/registration-tokens", hub.platformKey())
                .body()
                .findValues("id")
                .stream()
                .map(n -> n.asText())
                .filter(id -> list.contains("data-token=\"" + id + "\""))
                .filter(id -> list.contains("/ui/registration/tokens/" + id + "/revoke"))
                .findFirst()
                .orElseThrow();
        var revoked = ops.post("/ui/registration/tokens/" + tokenId + "/revoke", Map.of("csrf", csrf));
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(hub.registerWith(token, TestAgent.newKeyPair()).status()).isEqualTo(401);
        assertThat(ops.post("/ui/registration/tokens", Map.of("csrf", csrf, "maxUses", "0"))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void runToolFormIsMadeFromTheSchemaAndTheResultArrivesLive() throws Exception {
        TestAgent agent = hub.register(tenant);
        var schema = TestHub.MAPPER.readTree("""
                {"type":"object","required":["path"],"properties":{
                  "path":{"type":"string","description":"file under the root"},
                  "encoding":{"type":"string","enum":["utf-8","base64"]},
                  "maxBytes":{"type":"integer"},
                  "follow":{"type":"boolean"}}}""");
        AgentSocket socket = hub.connect(agent);
        socket.helloWith(List.of(new ToolDescriptor("fs.read", "Read a file", "Reads a file", schema, "low")));

        String email = email("runner");
        var ops = new Browser(hub.url()).signIn(email, user(email, "operator"));
        String csrf = Browser.csrf(ops.get("/ui/sessions").body());
        var made = ops.post("/ui/sessions", Map.of("csrf", csrf, "name", "Q3 close"));
        assertThat(made.statusCode()).isEqualTo(303);
        String sessionPath = made.headers().firstValue("Location").orElseThrow();
        assertThat(ops.get("/ui/sessions").body()).contains("Q3 close");

        String form = ops.get(sessionPath + "?agent=" + agent.agentId() + "&tool=fs.read")
                .body();
        assertThat(form)
                .contains("name=\"arg.path\" type=\"text\" required")
                .contains("<option value=\"base64\">base64</option>")
                .contains("name=\"arg.maxBytes\" type=\"number\" step=\"1\"")
                .contains("name=\"arg.follow\" value=\"true\"");

        var refused = ops.post(
                sessionPath + "/jobs",
                Map.of("csrf", csrf, "agent", agent.agentId(), "tool", "fs.read", "arg.maxBytes", "x"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("path is required");

        try (var events = ops.events(sessionPath + "/live")) {
            var sent = ops.post(
                    sessionPath + "/jobs",
                    Map.of(
                            "csrf",
                            csrf,
                            "agent",
                            agent.agentId(),
                            "tool",
                            "fs.read",
                            "arg.path",
                            "q3.csv",
                            "arg.maxBytes",
                            "100",
                            "arg.follow",
                            "true"));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.args().toString()).isEqualTo("{\"path\":\"q3.csv\",\"maxBytes\":100,\"follow\":true}");
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("content", "north,1200 <ok>"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.text().contains("data-state=\"succeeded\"")
                            && events.text().contains("north,1200 &lt;ok&gt;"));
            String jobPath = sessionPath + "/jobs/" + dispatch.jobId() + "/download";
            assertThat(ops.get(sessionPath).body()).contains("href=\"" + jobPath + "\"");
            var file = ops.get(jobPath);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo("north,1200 <ok>");
            assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"q3.csv\"");
            assertThat(file.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        socket.close();
    }
}
