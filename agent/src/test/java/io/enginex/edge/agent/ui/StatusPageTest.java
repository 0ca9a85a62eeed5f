package io.enginex.edge.agent.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.pause.PauseFile;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.usersession.ConsentDesk;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page's gate: the secret, the Host check, the one-time link, the cookie and the CSRF token. */
class StatusPageTest {
    private static final String SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret-s3cret";

    @TempDir
    Path stateDir;

    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final ConsentDesk desk = new ConsentDesk(Clock.systemUTC(), ConsentDesk.Listener.NONE);
    private PauseSwitch pause;
    private StatusPage page;
    private int port;

    @BeforeEach
    void start() {
        pause = new PauseSwitch(new PauseFile(stateDir, mapper), Clock.systemUTC());
        page = StatusPage.start(
                0,
                SECRET,
                () -> {
                    var report = mapper.createObjectNode().put("running", true);
                    report.putObject("status")
                            .put("state", "connected")
                            .put("hub", "https://hub.example.com")
                            .put("agentId", "agt_page")
                            .put("tenant", "acme");
                    report.putArray("jobs")
                            .addObject()
                            .put("jobId", "job_<script>")
                            .put("state", "succeeded");
                    report.putArray("actions")
                            .addObject()
                            .put("at", "2026-12-05T10:00:00Z")
                            .put("tool", "fs.read")
                            .put("target", "/srv/<b>q3.csv")
                            .put("outcome", "refused")
                            .put("code", "path_outside_root")
                            .put("jobId", "job_act");
                    report.putArray("log").add("a log line");
                    return report;
                },
                pause,
                GraphStarter.listing(() -> List.of("nightly"), (graph, by, via) -> {
                            if (!graph.equals("nightly")) {
                                return Optional.of("no graph named \"" + graph + "\" is assigned to this agent");
                            }
                            started.add(graph + " " + by + " " + via);
                            return Optional.empty();
                        })
                        .deciding((run, step, approve, reason, by, via) -> {
                            started.add("decide " + run + " " + step + " " + approve + " " + by + " " + via);
                            return switch (step) {
                                case "pay" -> new GraphStarter.Decided("applied", "approved by local:" + by);
                                case "late" ->
                                    new GraphStarter.Decided("already_decided", "already decided by ana@hub");
                                default ->
                                    new GraphStarter.Decided(
                                            GraphStarter.Decided.NOT_ALLOWED, "set \"localGraphDecisions\": true");
                            };
                        }),
                desk,
                Clock.systemUTC(),
                new SecureRandom(),
                mapper,
                executor);
        port = page.port();
    }

    @AfterEach
    void stop() {
        page.close();
        executor.close();
    }

    private RawHttp.Response get(String path, Map<String, String> headers) throws IOException {
        return RawHttp.send(port, "GET", path, headers, null);
    }

    private RawHttp.Response post(String path, Map<String, String> headers, String body) throws IOException {
        return RawHttp.send(port, "POST", path, headers, body);
    }

    private static Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + SECRET);
    }

    @Test
    void aConsentRequestIsShownWithTimeLeftAndAnsweredOnceByItsUser() throws Exception {
        ConsentDesk.Request mine = desk.open(
                "alice",
                "job_c1",
                "http.request",
                "erp-token",
                null,
                "carol <carol@acme.example> (dashboard)",
                Clock.systemUTC().instant().plusSeconds(45));
        ConsentDesk.Request bobs = desk.open(
                "bob",
                "job_c2",
                "fs.read",
                "nas-key",
                Clock.systemUTC().instant().plusSeconds(45));
        String[] session = signIn(page.verifiedLoginLink("alice"));
        Map<String, String> form = Map.of("Cookie", session[0], "Content-Type", "application/x-www-form-urlencoded");

        String html = get("/", Map.of("Cookie", session[0])).body();
        assertThat(html)
                .contains("job_c1", "http.request", "erp-token", "Time left: 4")
                .contains("asked by <span class=\"consent-requester\">carol &lt;carol@acme.example&gt;"
                        + " (dashboard)</span>")
                .contains("name=\"request\" value=\"" + mine.id() + "\"")
                .contains("Only bob may answer it")
                .doesNotContain("name=\"request\" value=\"" + bobs.id() + "\"");
        RawHttp.Response noAnswer =
                post("/consents", form, "csrf=" + session[1] + "&request=" + mine.id() + "&answer=maybe");
        RawHttp.Response unknown = post("/consents", form, "csrf=" + session[1] + "&request=nope&answer=allow");
        RawHttp.Response noCsrf = post("/consents", form, "request=" + mine.id() + "&answer=allow");
        RawHttp.Response notHers =
                post("/consents", form, "csrf=" + session[1] + "&request=" + bobs.id() + "&answer=allow");
        RawHttp.Response allowed =
                post("/consents", form, "csrf=" + session[1] + "&request=" + mine.id() + "&answer=allow");
        RawHttp.Response again =
                post("/consents", form, "csrf=" + session[1] + "&request=" + mine.id() + "&answer=deny");

        assertThat(noAnswer.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(notHers.status()).isEqualTo(403);
        assertThat(notHers.body()).contains("this request is for bob");
        assertThat(allowed.status()).isEqualTo(303);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("Already answered: allowed by alice (status page)");
        assertThat(desk.await(mine).allowed()).isTrue();
        assertThat(desk.pending()).containsExactly(bobs);
        assertThat(get("/", Map.of("Cookie", session[0])).body()).doesNotContain("job_c1");
    }

    @Test
    void aLinkAskedForWithTheSecretNamesAUserButCannotAnswerTheirConsent() throws Exception {
        ConsentDesk.Request alices = desk.open(
                "alice",
                "job_c3",
                "app.launch",
                null,
                "{}",
                Clock.systemUTC().instant().plusSeconds(45));
        // Anyone who can read ui.json (a member of its group) can ask for a link in alice's name.
        String[] claimed = signIn();
        Map<String, String> form = Map.of("Cookie", claimed[0], "Content-Type", "application/x-www-form-urlencoded");

        String html = get("/", Map.of("Cookie", claimed[0])).body();
        RawHttp.Response answer =
                post("/consents", form, "csrf=" + claimed[1] + "&request=" + alices.id() + "&answer=allow");

        assertThat(html)
                .contains("job_c3", "does not prove who you are", "enginex-agent ui")
                .doesNotContain("name=\"request\" value=\"" + alices.id() + "\"");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).contains("names alice without proving it", "Run enginex-agent ui in your own");
        assertThat(desk.pending()).containsExactly(alices);
        // The same person with a link the session channel made for them answers it.
        String[] proven = signIn(page.verifiedLoginLink("alice"));
        assertThat(post(
                                "/consents",
                                Map.of("Cookie", proven[0], "Content-Type", "application/x-www-form-urlencoded"),
                                "csrf=" + proven[1] + "&request=" + alices.id() + "&answer=deny")
                        .status())
                .isEqualTo(303);
        assertThat(desk.await(alices).describe()).startsWith("denied by alice (status page)");
    }

    /** Signs in like enginex-agent ui with the secret and a browser: the cookie header and the CSRF token. */
    private String[] signIn() throws IOException {
        return signIn(mapper.readTree(post("/api/login-links", bearer(), "{\"user\":\"alice\"}")
                        .body())
                .get("url")
                .asText());
    }

    /** Signs in with the login link {@code url}: returns the cookie header and the page's CSRF token. */
    private String[] signIn(String url) throws IOException {
        RawHttp.Response login = get(url.substring(url.indexOf("/login")), Map.of());
        String cookie = login.header("Set-Cookie").split(";")[0];
        String html = get("/", Map.of("Cookie", cookie)).body();
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(csrf.find()).as(html).isTrue();
        return new String[] {cookie, csrf.group(1)};
    }

    @Test
    void withoutTheSecretOrASessionNothingIsShownOrChanged() throws IOException {
        RawHttp.Response pageWithout = get("/", Map.of());
        RawHttp.Response statusWithout = get("/api/status", Map.of());
        RawHttp.Response wrongSecret = get("/api/status", Map.of("Authorization", "Bearer wrong"));
        RawHttp.Response linkWithout = post("/api/login-links", Map.of(), "{\"user\":\"mallory\"}");
        RawHttp.Response pauseWithout = post("/pause", Map.of(), "csrf=x");

        assertThat(pageWithout.status()).isEqualTo(401);
        assertThat(pageWithout.body()).contains("enginex-agent ui").doesNotContain("agt_page");
        assertThat(statusWithout.status()).isEqualTo(401);
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(linkWithout.status()).isEqualTo(401);
        assertThat(pauseWithout.status()).isEqualTo(401);
        assertThat(pause.get()).isNull();
    }

    @Test
    void theSecretReadsTheStatusAndPauses() throws IOException {
        RawHttp.Response status = get("/api/status", bearer());
        RawHttp.Response paused = post("/pause", bearer(), "{\"by\":\"bob\"}");

        assertThat(status.status()).isEqualTo(200);
        assertThat(mapper.readTree(status.body()).path("status").path("agentId").asText())
                .isEqualTo("agt_page");
        assertThat(paused.status()).isEqualTo(200);
        assertThat(pause.get().by()).isEqualTo("bob");
    }

    @Test
    void theSecretStartsAnAssignedGraphAndNothingElseDoes() throws IOException {
        RawHttp.Response without = post("/api/graph-runs", Map.of(), "{\"graph\":\"nightly\",\"by\":\"eve\"}");
        RawHttp.Response wrongSecret = post(
                "/api/graph-runs", Map.of("Authorization", "Bearer nope"), "{\"graph\":\"nightly\",\"by\":\"eve\"}");
        RawHttp.Response nobody = post("/api/graph-runs", bearer(), "{\"graph\":\"nightly\"}");
        RawHttp.Response unknown = post("/api/graph-runs", bearer(), "{\"graph\":\"other\",\"by\":\"bob\"}");
        RawHttp.Response queued = post("/api/graph-runs", bearer(), "{\"graph\":\"nightly\",\"by\":\"bob\"}");

        assertThat(without.status()).isEqualTo(401);
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(nobody.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(mapper.readTree(unknown.body()).path("error").path("message").asText())
                .contains("no graph named \"other\"");
        assertThat(queued.status()).isEqualTo(202);
        assertThat(mapper.readTree(queued.body()).path("queued").asBoolean()).isTrue();
        assertThat(started).containsExactly("nightly bob cli");
    }

    @Test
    void theSecretDecidesAGraphStepAndTheAnswerSaysWhatBecameOfIt() throws IOException {
        RawHttp.Response without = post(
                "/api/graph-decisions",
                Map.of(),
                "{\"run\":\"run_1\",\"step\":\"pay\",\"approve\":true,\"by\":\"eve\"}");
        RawHttp.Response denyWithoutReason = post(
                "/api/graph-decisions",
                bearer(),
                "{\"run\":\"run_1\",\"step\":\"pay\",\"approve\":false,\"by\":\"bob\"}");
        RawHttp.Response applied = post(
                "/api/graph-decisions",
                bearer(),
                "{\"run\":\"run_1\",\"step\":\"pay\",\"approve\":true,\"by\":\"bob\"}");
        RawHttp.Response late = post(
                "/api/graph-decisions",
                bearer(),
                "{\"run\":\"run_1\",\"step\":\"late\",\"approve\":true,\"by\":\"bob\"}");
        RawHttp.Response off = post(
                "/api/graph-decisions",
                bearer(),
                "{\"run\":\"run_1\",\"step\":\"other\",\"approve\":false,\"reason\":\"no\",\"by\":\"bob\"}");

        assertThat(without.status()).isEqualTo(401);
        assertThat(denyWithoutReason.status()).isEqualTo(400);
        assertThat(applied.status()).isEqualTo(200);
        assertThat(mapper.readTree(applied.body()).path("outcome").asText()).isEqualTo("applied");
        assertThat(late.status()).isEqualTo(409);
        assertThat(mapper.readTree(late.body()).path("error").path("message").asText())
                .contains("ana@hub");
        assertThat(off.status()).isEqualTo(403);
        assertThat(mapper.readTree(off.body()).path("error").path("message").asText())
                .contains("localGraphDecisions");
        assertThat(started)
                .containsExactly(
                        "decide run_1 pay true bob cli",
                        "decide run_1 late true bob cli",
                        "decide run_1 other false bob cli");
    }

    @Test
    void aRequestForAnotherHostNameIsRefusedEvenWithTheSecret() throws IOException {
        RawHttp.Response rebound =
                get("/api/status", Map.of("Host", "attacker.example:" + port, "Authorization", "Bearer " + SECRET));
        RawHttp.Response otherPort = get("/", Map.of("Host", "127.0.0.1:1"));
        RawHttp.Response localhost =
                get("/api/status", Map.of("Host", "localhost:" + port, "Authorization", "Bearer " + SECRET));

        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.body()).doesNotContain("agt_page");
        assertThat(otherPort.status()).isEqualTo(403);
        assertThat(localhost.status()).isEqualTo(200);
    }

    @Test
    void aLoginLinkWorksOnceAndGivesAStrictHttpOnlyCookie() throws Exception {
        String url = mapper.readTree(post("/api/login-links", bearer(), "{\"user\":\"alice\"}")
                        .body())
                .get("url")
                .asText();
        String path = url.substring(url.indexOf("/login"));

        RawHttp.Response first = get(path, Map.of());
        RawHttp.Response again = get(path, Map.of());
        String cookie = first.header("Set-Cookie");
        RawHttp.Response shown = get("/", Map.of("Cookie", cookie.split(";")[0]));

        assertThat(url).startsWith("http://127.0.0.1:" + port + "/login?code=");
        assertThat(first.status()).isEqualTo(303);
        assertThat(first.header("Location")).isEqualTo("/");
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(again.status()).isEqualTo(401);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body())
                .contains("agt_page", "https://hub.example.com", "Pause local actions", "alice")
                .contains("job_&lt;script&gt;")
                .contains(
                        "Last actions on this machine",
                        "/srv/&lt;b&gt;q3.csv",
                        "refused (path_outside_root)",
                        "job_act")
                .doesNotContain("<script>", "<b>q3", SECRET);
        String csp = shown.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");
        // The one style element is allowed by its hash, and is exactly what the hash covers.
        String style = shown.body().replaceAll("(?s).*<style>(.*?)</style>.*", "$1");
        String hash = java.util.Base64.getEncoder()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(style.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(csp).contains("style-src 'sha256-" + hash + "'");
        assertThat(shown.body()).doesNotContain(" style=\"", "<script");
    }

    @Test
    void theStartButtonStartsAnAssignedGraphForTheSignedInPersonOnly() throws IOException {
        String[] session = signIn();
        String html = get("/", Map.of("Cookie", session[0])).body();
        Map<String, String> form = Map.of("Cookie", session[0], "Content-Type", "application/x-www-form-urlencoded");

        RawHttp.Response noSession = post("/graph-runs", Map.of(), "graph=nightly&csrf=" + session[1]);
        RawHttp.Response noToken = post("/graph-runs", form, "graph=nightly");
        RawHttp.Response unknown = post("/graph-runs", form, "graph=other&csrf=" + session[1]);
        assertThat(started).isEmpty();
        RawHttp.Response ok = post("/graph-runs", form, "graph=nightly&csrf=" + session[1]);

        assertThat(html).contains("<h2>Graphs</h2>", "action=\"/graph-runs\"", "name=\"graph\" value=\"nightly\"");
        assertThat(noSession.status()).isEqualTo(401);
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no graph named \"other\"");
        assertThat(ok.status()).isEqualTo(303);
        assertThat(started).containsExactly("nightly alice status page");
    }

    @Test
    void aFormPostNeedsTheCsrfTokenAndNoForeignOrigin() throws IOException {
        String[] session = signIn();
        Map<String, String> cookie = Map.of("Cookie", session[0], "Content-Type", "application/x-www-form-urlencoded");

        RawHttp.Response noToken = post("/pause", cookie, "");
        RawHttp.Response wrongToken = post("/pause", cookie, "csrf=guess");
        RawHttp.Response foreign = post(
                "/pause", Map.of("Cookie", session[0], "Origin", "https://attacker.example"), "csrf=" + session[1]);
        assertThat(pause.get()).isNull();
        RawHttp.Response ok = post(
                "/pause", Map.of("Cookie", session[0], "Origin", "http://127.0.0.1:" + port), "csrf=" + session[1]);

        assertThat(noToken.status()).isEqualTo(403);
        assertThat(wrongToken.status()).isEqualTo(403);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(ok.status()).isEqualTo(303);
        assertThat(pause.get().by()).isEqualTo("alice");
        JsonNode status =
                mapper.readTree(get("/api/status", Map.of("Cookie", session[0])).body());
        assertThat(status.path("status").path("agentId").asText()).isEqualTo("agt_page");

        RawHttp.Response resumed = post("/resume", cookie, "csrf=" + session[1]);
        assertThat(resumed.status()).isEqualTo(303);
        assertThat(pause.get()).isNull();
    }
}
