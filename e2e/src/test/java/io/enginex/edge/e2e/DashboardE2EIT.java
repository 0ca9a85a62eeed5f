package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.Axe;
import io.enginex.edge.e2e.support.Chrome;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.server.dashboard.Nav;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (headless Debian Chromium) against the real hub and agent processes:
 * sign in, create a registration token on the page, enrol a real agent with it and watch it appear
 * online without reloading, dispatch from the generated form and watch the result arrive live, revoke
 * the agent and see it go offline; then, signed out, a second person signs in through the tenant's
 * OpenID provider (single sign-on) and signs out of the hub and the provider. One story, in order.
 *
 * <p>The provider is NAV's mock-oauth2-server, a real OpenID provider made for testing, run in this
 * JVM on {@code localhost} with its own sign-in page; the hub is on 127.0.0.1, so another site. Why a
 * browser for it and not only OidcSignInIT's HTTP client: what decides that flow is the browser's
 * SameSite rules on the cross-site way back (the sign-in state's Lax cookie, the Strict session
 * carried by the page that moves on), the CSP's form-action on signing out, and a real form at the
 * provider; an HTTP client has none of these. It shares this class's hub: a few seconds more.
 *
 * <p>The tenant admin's console pages (an agent's labels and archive, users, API keys) are checked on
 * the same hub, and axe-core ({@link Axe}) on every page of the navigation, and on a graph's page and
 * the page of a graph run the agent uploaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardE2EIT {
    static final String EMAIL = "it@acme.example";

    @RegisterExtension
    static final Chrome chrome = new Chrome();

    private Path tmp;
    private Path logs;
    private HubProcess hub;
    private AgentProcess agent;
    private String password;
    private String token;
    private String agentId;
    private String sessionUrl;
    private String graphId;
    private MockOAuth2Server idp;

    @BeforeAll
    void startHub(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        HubApi api = hub.api();
        api.createTenant("acme");
        // A chosen password: one the hub generates is a one-time password, only good to choose a new one.
        password = "violet harbour seven lanterns";
        expect(
                201,
                api.post("/api/v1/tenants/acme/users", Map.of("email", EMAIL, "role", "owner", "password", password)));
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("q3-revenue.csv"), "region,revenue\nnorth,1200\nsouth,900\n");
        agent = AgentProcess.of(tmp.resolve("agent-state"), root, logs);
    }

    @AfterAll
    void stop() {
        if (idp != null) {
            idp.shutdown();
        }
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private WebDriver browser() {
        return chrome.driver();
    }

    @Test
    @Order(1)
    void signInWithTheFormAfterAWrongPassword() {
        browser().get(hub.url() + "/ui/fleet");
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));

        browser().findElement(By.id("email")).sendKeys(EMAIL);
        browser().findElement(By.id("password")).sendKeys("not the password");
        browser().findElement(By.cssSelector("form button[type=submit]")).click();
        assertThat(chrome.visible(By.id("signin-error")).getText()).isEqualTo("Wrong email or password.");

        browser().findElement(By.id("password")).sendKeys(password);
        browser().findElement(By.cssSelector("form button[type=submit]")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/fleet"));
        assertThat(chrome.visible(By.tagName("h1")).getText()).isEqualTo("Fleet");
        assertThat(browser().findElement(By.cssSelector("header .who")).getText())
                .contains(EMAIL)
                .contains("owner");
    }

    @Test
    @Order(2)
    void createARegistrationTokenOnThePage() {
        browser().findElement(By.linkText("Registration")).click();
        chrome.visible(By.id("token-form"));
        new Select(browser().findElement(By.id("ttl"))).selectByVisibleText("1 day");
        browser().findElement(By.id("labels")).sendKeys("finance, eu");
        browser().findElement(By.id("description")).sendKeys("browser test");
        browser().findElement(By.id("create-token")).click();

        token = chrome.visible(By.id("token-secret")).getText();
        assertThat(token).startsWith("exr_");
        assertThat(browser().findElement(By.id("cmd-deb")).getText())
                .contains("token = " + token)
                .contains("server = " + hub.url())
                .contains("apt-get install -y ./enginex-agent_");
        assertThat(browser().findElement(By.id("cmd-msi")).getText())
                .contains(".msi /qn SERVER_URL=" + hub.url() + " REGISTRATION_TOKEN=" + token + " SERVER_PIN="
                        + hub.fingerprint());
        assertThat(browser().findElement(By.id("cmd-plain")).getText())
                .contains("enginex-agent register --server " + hub.url() + " --token " + token + " --pin "
                        + hub.fingerprint());
        assertThat(browser().findElement(By.id("token-table")).getText())
                .contains("browser test")
                .contains("0 / 1");
    }

    @Test
    @Order(3)
    void aNewAgentIsCountedOnlineWithoutAReloadAndListedOnRequest() throws IOException {
        browser().findElement(By.linkText("Fleet")).click();
        chrome.visible(By.id("fleet-live"));
        chrome.markPage();
        // the live stream's first event may swap the table in at any moment: wait, re-finding the element
        chrome.waiting(10).until(ExpectedConditions.textToBe(By.cssSelector("[data-count=online]"), "0"));

        OsProcess.Completed registered = agent.register(hub, token);
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        graphRunWhileOffline();
        agent.run();

        // A new agent is not a row of the page being looked at: the counts change over SSE, and the page
        // offers the current list instead of moving rows under the person's focus and scroll.
        chrome.waiting(20).until(ExpectedConditions.textToBe(By.cssSelector("[data-count=online]"), "1"));
        chrome.waiting(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("fleet-stale")));
        assertThat(chrome.samePage())
                .as("the counts and the offer of the current list arrived over SSE, not by reloading")
                .isTrue();
        browser().findElement(By.linkText("Show the current list")).click();
        var row = chrome.waiting(20)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#fleet-table tr[data-state=online]")));
        agentId = row.getAttribute("data-agent");
        assertThat(row.getText()).contains("finance").contains("eu");

        // a tablet held upright: the page fits its width (wide tables scroll inside their box)
        browser().manage().window().setSize(new Dimension(800, 1100));
        try {
            Object overflow = ((JavascriptExecutor) browser())
                    .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
            assertThat(((Number) overflow).longValue())
                    .as("horizontal overflow at 800 px")
                    .isLessThanOrEqualTo(0);
            assertThat(browser().findElement(By.linkText("Registration")).isDisplayed())
                    .isTrue();
        } finally {
            browser().manage().window().setSize(new Dimension(Chrome.WIDTH, Chrome.HEIGHT));
        }
    }

    /**
     * For the graph pages the accessibility check goes over: a graph on the hub (with an edge and a
     * condition), and a run of a graph file the agent ran before it connected, uploaded on its welcome.
     */
    private void graphRunWhileOffline() throws IOException {
        String document = """
                {"version": 1, "name": "%s",
                 "steps": [{"id": "list", "tool": "fs.list", "args": {"path": "."}},
                           {"id": "look", "tool": "fs.stat", "dependsOn": ["list"],
                            "when": "steps.list.output.total > 0", "args": {"path": "q3-revenue.csv"}}]}
                """;
        graphId = expect(
                        201,
                        hub.api()
                                .post(
                                        "/api/v1/tenants/acme/graphs",
                                        Map.of("scope", "tenant", "source", document.formatted("month-end"))))
                .body()
                .path("graph")
                .path("id")
                .asText();
        Path file = Files.writeString(tmp.resolve("tidy.json"), document.formatted("tidy"));
        OsProcess.Completed ran = agent.command(
                "graph", "run", file.toString(), "--root", tmp.resolve("files").toString());
        assertThat(ran.exitCode()).as(ran.output()).isZero();
    }

    @Test
    @Order(4)
    void dispatchFromTheGeneratedFormAndSeeTheResultLive() {
        browser().findElement(By.linkText("Sessions")).click();
        browser().findElement(By.id("session-name")).sendKeys("Q3 close");
        browser().findElement(By.cssSelector("#new-session button")).click();
        chrome.waiting(20).until(ExpectedConditions.urlMatches("/ui/sessions/ses_"));
        sessionUrl = browser().getCurrentUrl();

        // the only online agent is chosen already; choosing a tool loads its form
        new Select(chrome.visible(By.id("run-tool"))).selectByValue("fs.read");
        chrome.waiting(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("run-form")));
        assertThat(browser().findElement(By.cssSelector("label[for=arg-path]")).getText())
                .contains("required");
        browser().findElement(By.id("arg-path")).sendKeys("q3-revenue.csv");
        browser().findElement(By.id("run-submit")).click();

        chrome.visible(By.cssSelector("#timeline li[data-job]"));
        chrome.markPage();
        var done = chrome.waiting(30)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#timeline li[data-state=succeeded] .result-text")));
        assertThat(done.getText()).contains("north,1200");
        assertThat(chrome.samePage())
                .as("the result arrived over SSE, not by reloading")
                .isTrue();
        chrome.screenshotForDocs("dashboard-session");

        browser().findElement(By.linkText("Fleet")).click();
        chrome.visible(By.cssSelector("#fleet-table tr[data-agent]"));
        chrome.screenshotForDocs("dashboard-fleet");
    }

    @Test
    @Order(5)
    void revokeTheAgentAndSeeItGoOffline() {
        browser().get(hub.url() + "/ui/agents/" + agentId);
        assertThat(chrome.visible(By.id("tools")).getText()).contains("fs.read");
        browser().findElement(By.id("revoke")).click();
        chrome.waiting(10).until(ExpectedConditions.alertIsPresent()).accept();

        chrome.waiting(20).until(ExpectedConditions.urlContains("?revoked"));
        assertThat(chrome.visible(By.cssSelector("main .flash")).getText()).contains("Agent revoked");
        assertThat(browser().findElement(By.id("agent-state")).getText()).isEqualTo("offline");
        assertThat(browser().findElements(By.id("revoke"))).isEmpty();

        browser().findElement(By.linkText("Fleet")).click();
        var row = chrome.visible(By.cssSelector("#fleet-table tr[data-agent='" + agentId + "']"));
        assertThat(row.getAttribute("data-state")).isEqualTo("offline");
        assertThat(row.getText()).contains("revoked");
        assertThat(agent.process().awaitExit(Duration.ofSeconds(30)))
                .as("the agent stops once the hub refuses it (exit 3: re-enrol)")
                .isEqualTo(3);
        browser().get(sessionUrl);
        assertThat(chrome.visible(By.id("run")).getText()).contains("No agent of your tenant is online");
    }

    @Test
    @Order(6)
    void editTheRevokedAgentsLabelsAndArchiveIt() {
        browser().get(hub.url() + "/ui/agents/" + agentId);
        var labels = chrome.visible(By.id("labels-input"));
        assertThat(labels.getAttribute("value")).isEqualTo("finance, eu");
        labels.clear();
        labels.sendKeys("finance, eu, retired");
        browser().findElement(By.id("save-labels")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("?labelled"));
        assertThat(chrome.visible(By.id("agent-labels")).getText()).contains("retired");

        browser().findElement(By.id("archive")).click();
        chrome.waiting(10).until(ExpectedConditions.alertIsPresent()).accept();
        chrome.waiting(20).until(ExpectedConditions.urlContains("?archived"));
        assertThat(chrome.visible(By.id("agent-archived")).getText()).isEqualTo("archived");
        assertThat(browser().findElements(By.id("archive"))).isEmpty();

        browser().findElement(By.linkText("Fleet")).click();
        // the live stream may swap the table in at any moment: wait, re-finding the element
        chrome.waiting(20)
                .until(ExpectedConditions.textMatches(
                        By.id("archived-count"), java.util.regex.Pattern.compile("^1 archived agent")));
        assertThat(browser().findElements(By.cssSelector("tr[data-agent='" + agentId + "']")))
                .isEmpty();
    }

    @Test
    @Order(7)
    void makeAUserWithAOneTimePasswordShownOnceThenChangeTheirRoleAndDisableThem() {
        String email = "new.person@acme.example";
        browser().findElement(By.linkText("Users")).click();
        chrome.visible(By.id("user-form"));
        browser().findElement(By.id("user-email")).sendKeys(email);
        new Select(browser().findElement(By.id("user-role"))).selectByValue("operator");
        browser().findElement(By.id("create-user")).click();

        String oneTime = chrome.visible(By.id("one-time-password")).getText();
        assertThat(oneTime).hasSizeGreaterThan(10);
        assertThat(Axe.problems(browser()))
                .as("axe-core on the page showing the password")
                .isEmpty();
        var row = browser().findElement(By.cssSelector("#user-table tr[data-email='" + email + "']"));
        String id = row.getAttribute("data-user");
        assertThat(row.getText()).contains("one-time, unused");
        chrome.screenshotForDocs("dashboard-users");
        browser().get(hub.url() + "/ui/users");
        assertThat(browser().getPageSource()).as("shown once").doesNotContain(oneTime);

        new Select(chrome.visible(By.id("role-" + id))).selectByValue("viewer");
        browser()
                .findElement(By.cssSelector("tr[data-user='" + id + "'] form[action$='/role'] button"))
                .click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("done=role"));
        assertThat(new Select(chrome.visible(By.id("role-" + id)))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("viewer");

        browser()
                .findElement(By.cssSelector("tr[data-user='" + id + "'] form[action$='/disable'] button"))
                .click();
        chrome.waiting(10).until(ExpectedConditions.alertIsPresent()).accept();
        chrome.waiting(20).until(ExpectedConditions.urlContains("done=disabled"));
        assertThat(browser()
                        .findElement(By.cssSelector("tr[data-user='" + id + "']"))
                        .getText())
                .contains("disabled");
        assertThat(hub.api()
                        .post("/api/v1/login", Map.of("email", email, "password", oneTime))
                        .status())
                .as("a disabled user cannot sign in")
                .isEqualTo(401);
    }

    @Test
    @Order(8)
    void makeAnApiKeyShownOnceAndRevokeIt() {
        browser().findElement(By.linkText("API keys")).click();
        chrome.visible(By.id("key-form"));
        browser().findElement(By.id("key-label")).sendKeys("nightly export");
        new Select(browser().findElement(By.id("key-role"))).selectByValue("viewer");
        browser().findElement(By.id("create-key")).click();

        String secret = chrome.visible(By.id("key-secret")).getText();
        assertThat(secret).startsWith("exk_");
        assertThat(Axe.problems(browser()))
                .as("axe-core on the page showing the key")
                .isEmpty();
        assertThat(hub.api().withKey(secret).get("/api/v1/tenants/acme/agents").status())
                .isEqualTo(200);
        browser().get(hub.url() + "/ui/api-keys");
        assertThat(browser().getPageSource()).as("shown once").doesNotContain(secret);

        var row = browser().findElements(By.cssSelector("#key-table tr[data-state=active]")).stream()
                .filter(r -> r.getText().contains("nightly export"))
                .findFirst()
                .orElseThrow();
        String id = row.getAttribute("data-key");
        row.findElement(By.cssSelector("button.danger")).click();
        chrome.waiting(10).until(ExpectedConditions.alertIsPresent()).accept();
        chrome.waiting(20).until(ExpectedConditions.urlContains("?revoked"));
        assertThat(chrome.visible(By.cssSelector("tr[data-key='" + id + "']")).getAttribute("data-state"))
                .isEqualTo("revoked");
        assertThat(hub.api().withKey(secret).get("/api/v1/tenants/acme/agents").status())
                .isEqualTo(401);
    }

    /** Registers a machine through the API (it never connects), labelled {@code label}; returns its agent id. */
    private String registerMachine(String hostname, String label) throws java.security.GeneralSecurityException {
        String secret = expect(
                        201,
                        hub.api()
                                .post(
                                        "/api/v1/tenants/acme/registration-tokens",
                                        Map.of("labels", List.of(label), "description", hostname + " rollout")))
                .body()
                .path("token")
                .asText();
        var key = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        return expect(
                        201,
                        hub.api()
                                .post(
                                        "/api/v1/agent/register",
                                        Map.of(
                                                "token",
                                                secret,
                                                "publicKey",
                                                java.util.Base64.getEncoder()
                                                        .encodeToString(
                                                                key.getPublic().getEncoded()),
                                                "hostname",
                                                hostname,
                                                "os",
                                                "Linux",
                                                "arch",
                                                "amd64",
                                                "agentVersion",
                                                "0.1.0-test")))
                .body()
                .path("agentId")
                .asText();
    }

    @Test
    @Order(9)
    void editAPolicyWithALivePreviewThenFixAMistakeByItsFieldAndSave() throws Exception {
        registerMachine("ledger-pc", "finance");
        registerMachine("front-desk", "office");
        browser().get(hub.url() + "/ui/fleet");
        browser().findElement(By.linkText("Policies")).click();
        chrome.visible(By.id("new-policy")).click();
        var scope = chrome.visible(By.id("policy-scope"));
        scope.clear();
        scope.sendKeys("label:finance");
        var document = browser().findElement(By.id("policy-policy"));
        document.clear();
        document.sendKeys(
                "{\"version\": 1, \"tools\": [\"fs.list\", \"fs.read\"], \"approvalRequired\": [\"fs.read\"]}");
        new Select(browser().findElement(By.id("policy-agent"))).selectByVisibleText("ledger-pc (finance)");
        chrome.markPage();
        browser().findElement(By.id("policy-preview-button")).click();

        chrome.waiting(20)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("preview-matched"), "matches 1 agent"));
        assertThat(browser().findElement(By.id("preview-agents")).getText())
                .contains("ledger-pc")
                .doesNotContain("front-desk");
        assertThat(browser().findElement(By.id("preview-tools")).getText()).isEqualTo("fs.list, fs.read");
        assertThat(browser().findElement(By.id("policy-preview")).getAttribute("aria-live"))
                .isEqualTo("polite");
        assertThat(chrome.samePage())
                .as("the preview came in place, without a reload")
                .isTrue();
        assertThat(hub.api().get("/api/v1/tenants/acme/policies").body())
                .as("a preview saves nothing")
                .isEmpty();
        assertThat(Axe.problems(browser()))
                .as("axe-core on the policy editor with a preview")
                .isEmpty();
        chrome.screenshotForDocs("dashboard-policy-preview");

        // a mistake: the message comes by the field, in place, naming the fix
        scope.clear();
        scope.sendKeys("finance");
        browser().findElement(By.id("policy-preview-button")).click();
        assertThat(chrome.visible(By.id("scope-error")).getText())
                .contains("scope must be \"tenant\", \"label:LABEL\"");
        assertThat(chrome.visible(By.id("preview-problems")).getText()).contains("one field needs a fix");
        assertThat(chrome.samePage()).isTrue();

        scope.clear();
        scope.sendKeys("label:finance");
        browser().findElement(By.id("policy-save")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("saved=created"));
        assertThat(chrome.visible(By.cssSelector("main .flash")).getText()).contains("1 agent(s) match its scope");
        var saved = hub.api().get("/api/v1/tenants/acme/policies").body();
        assertThat(saved).hasSize(1);
        assertThat(saved.get(0).path("scope").asText()).isEqualTo("label:finance");

        browser().findElement(By.linkText("All policies")).click();
        var row = chrome.visible(By.cssSelector("#policy-table tr[data-scope='label:finance']"));
        assertThat(row.getText())
                .contains("label finance")
                .contains("fs.list, fs.read")
                .contains(EMAIL);
        chrome.screenshotForDocs("dashboard-policies");
    }

    /**
     * Before the accessibility sweep, so that the sweep sees the fleet page with its table of recent
     * failed enrolments (which scrolls inside its box on a phone); this page is checked by axe-core
     * here, with its row.
     */
    @Test
    @Order(10)
    void aRefusedEnrolmentShowsOnTheFailedEnrolmentsPageWithoutItsSecret() throws Exception {
        var made = expect(
                201,
                hub.api()
                        .post("/api/v1/tenants/acme/registration-tokens", Map.of("description", "Warehouse scanners")));
        String secret = made.body().path("token").asText();
        var revoked = hub.api()
                .delete("/api/v1/tenants/acme/registration-tokens/"
                        + made.body().path("id").asText());
        assertThat(revoked.status()).as(revoked.text()).isLessThan(300);
        var key = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        var refused = hub.api()
                .post(
                        "/api/v1/agent/register",
                        Map.of(
                                "token", secret,
                                "publicKey",
                                        java.util.Base64.getEncoder()
                                                .encodeToString(key.getPublic().getEncoded()),
                                "hostname", "scanner-07",
                                "os", "Linux",
                                "arch", "amd64",
                                "agentVersion", "0.1.0-test"));
        assertThat(refused.status()).as(refused.text()).isEqualTo(401);

        browser().get(hub.url() + "/ui/fleet");
        browser().findElement(By.linkText("Failed enrolments")).click();
        var row = chrome.visible(By.cssSelector("#failed-enrolments tr[data-reason=token_revoked]"));
        assertThat(row.getText())
                .contains("scanner-07")
                .contains("the registration token was revoked")
                .contains("Warehouse scanners")
                .contains("127.0.0.1");
        assertThat(browser().getPageSource()).doesNotContain(secret);
        assertThat(Axe.problems(browser()))
                .as("axe-core on the failed enrolments page")
                .isEmpty();
        chrome.screenshotForDocs("dashboard-failed-enrolments");
    }

    /**
     * axe-core's WCAG 2.2 A and AA rules on every page of the navigation ({@link Nav#ALL}, so a page
     * added there is checked without anyone listing it here) and on the pages of one object each
     * (an agent, a session, the password page), as the owner, who sees every entry, at a phone's width:
     * no serious or critical violation, and no page wider than the phone. The sign-in page is checked
     * signed out, in the next test.
     */
    @Test
    @Order(11)
    void everyPageHasNoSeriousAccessibilityViolationAndFitsAPhone() {
        List<String> paths = new ArrayList<>();
        Nav.ALL.forEach(n -> paths.add(n.path()));
        paths.add("/ui/agents/" + agentId);
        paths.add(java.net.URI.create(sessionUrl).getPath());
        paths.add("/ui/password");
        paths.add("/ui/graphs/" + graphId);
        paths.add("/ui/graph-runs/" + uploadedRun());
        List<String> problems = new ArrayList<>();
        List<String> overflowing = new ArrayList<>();
        // a phone held upright: the checks see the layout people on phones get
        browser().manage().window().setSize(new Dimension(PHONE_WIDTH, 800));
        try {
            for (String path : paths) {
                browser().get(hub.url() + path);
                chrome.visible(By.tagName("h1"));
                problems.addAll(Axe.problems(browser()));
                Object overflow = ((JavascriptExecutor) browser())
                        .executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
                if (((Number) overflow).longValue() > 0) {
                    overflowing.add(path + " by " + overflow + " px: " + widest());
                }
            }
        } finally {
            browser().manage().window().setSize(new Dimension(Chrome.WIDTH, Chrome.HEIGHT));
        }
        assertThat(problems).as("axe-core's serious and critical violations").isEmpty();
        assertThat(overflowing)
                .as("pages wider than a " + PHONE_WIDTH + " px phone (wide tables scroll inside their box)")
                .isEmpty();
    }

    /** The run of a graph file the agent uploaded when it connected, as the graphs page lists it. */
    private String uploadedRun() {
        return org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> {
                            browser().get(hub.url() + "/ui/graphs");
                            return browser().findElements(By.cssSelector("#local-run-table tr[data-run]")).stream()
                                    .map(r -> r.getAttribute("data-run"))
                                    .findFirst()
                                    .orElse(null);
                        },
                        java.util.Objects::nonNull);
    }

    /** The elements that reach past the window's right edge, outermost first (for the failure message). */
    private String widest() {
        return String.valueOf(((JavascriptExecutor) browser())
                .executeScript("var out = [];"
                        + "document.querySelectorAll('main *, header *').forEach(function (e) {"
                        + "  if (out.length < 6 && e.getBoundingClientRect().right > window.innerWidth + 1"
                        + "      && !e.parentElement.closest('.scroll, pre')"
                        + "      && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1) {"
                        + "    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
                        + "      + (typeof e.className === 'string' && e.className ? '.' + e.className : '')"
                        + "      + ' ' + Math.round(e.getBoundingClientRect().right));"
                        + "  }"
                        + "});"
                        + "return out.join(', ');"));
    }

    /** A small phone's width in CSS pixels. */
    static final int PHONE_WIDTH = 360;

    @Test
    @Order(12)
    void signInThroughTheTenantsOpenIdProviderAndSignOutOfBoth() throws IOException {
        // The provider's sign-in page (its own handles the form), without the web font its built-in page
        // would fetch from the internet.
        Path loginPage = Files.writeString(tmp.resolve("idp-login.html"), """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme Login</title></head>
                <body><form method="post">
                <label>User <input name="username" required></label>
                <label>Claims <textarea name="claims"></textarea></label>
                <input type="submit" value="Sign in">
                </form></body></html>
                """);
        idp = new MockOAuth2Server(new OAuth2Config(true, loginPage.toString()));
        idp.start();
        expect(
                201,
                hub.api()
                        .put(
                                "/api/v1/tenants/acme/oidc",
                                Map.of(
                                        "displayName", "Acme Login",
                                        "issuer",
                                                idp.issuerUrl("acme").toString().replaceAll("/$", ""),
                                        "clientId", "enginex",
                                        "clientSecret", "browser-test-secret",
                                        "roleMap", Map.of("it-ops", "operator", "staff", "viewer"))));
        // the owner of the story signs out: a password user's sign-out stays on the hub
        browser().get(hub.url() + "/ui/fleet");
        browser()
                .findElement(By.cssSelector("header .who form button[type=submit]"))
                .click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login?signedOut"));

        browser().get(hub.url() + "/ui/login?tenant=acme");
        var button = chrome.visible(By.id("sso-signin"));
        assertThat(button.getText()).isEqualTo("Sign in with Acme Login");
        assertThat(Axe.problems(browser())).as("axe-core on the sign-in page").isEmpty();
        chrome.screenshotForDocs("dashboard-sso-signin");
        button.click();
        // the provider's own page: who signs in, and the claims their ID token will carry
        chrome.visible(By.name("username")).sendKeys("alice");
        browser()
                .findElement(By.name("claims"))
                .sendKeys("{\"email\": \"alice@acme.example\", \"groups\": [\"staff\", \"it-ops\"]}");
        browser().findElement(By.cssSelector("input[type=submit]")).click();

        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/fleet"));
        assertThat(chrome.visible(By.tagName("h1")).getText()).isEqualTo("Fleet");
        assertThat(browser().findElement(By.cssSelector("header .who")).getText())
                .contains("alice@acme.example")
                .contains("operator");
        assertThat(browser().findElements(By.id("change-password"))).isEmpty();

        browser()
                .findElement(By.cssSelector("header .who form button[type=submit]"))
                .click();
        // through the provider's end-session endpoint and back to the hub's sign-in page
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login?signedOut"));
        assertThat(chrome.visible(By.cssSelector(".flash")).getText()).isEqualTo("You are signed out.");
        // this browser is offered its tenant's single sign-on again, without ?tenant=
        assertThat(browser().findElement(By.id("sso-signin")).getText()).isEqualTo("Sign in with Acme Login");
        browser().get(hub.url() + "/ui/fleet");
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
    }
}
