package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.Axe;
import io.enginex.edge.e2e.support.Chrome;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The approvals, device, audit and ops pages in a real browser (headless Debian Chromium) against the
 * real hub and a real agent whose machine policy marks two command templates approval-required: a held
 * job appears on the approvals page with its evidence without a reload, approving it on the page
 * makes it run and finish (followed live), denying it ends it with the reason; a device code is
 * approved from the page; the audit log filters; the ops console draws its charts from the node's
 * dispatches. Each of these pages, with its content (a held job's evidence, a device request, audit
 * events, charts), passes axe-core's WCAG 2.2 A/AA rules with no serious or critical violation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardOpsE2EIT {
    static final String EMAIL = "ops@acme.example";
    private static final Pattern USER_CODE =
            Pattern.compile("\\b([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})\\b");

    @RegisterExtension
    static final Chrome chrome = new Chrome();

    private Path tmp;
    private Path logs;
    private HubProcess hub;
    private HubApi api;
    private AgentProcess agent;
    private String password;
    private String agentId;
    private String session;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        api = hub.api();
        api.createTenant("acme");
        // A chosen password: one the hub generates is a one-time password, only good to choose a new one.
        password = "violet harbour seven lanterns";
        expect(
                201,
                api.post("/api/v1/tenants/acme/users", Map.of("email", EMAIL, "role", "owner", "password", password)));
        Path root = Files.createDirectories(tmp.resolve("files"));
        Path policyDir = Files.createDirectories(tmp.resolve("policy"));
        Files.setPosixFilePermissions(policyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path policy = policyDir.resolve("policy.json");
        Files.writeString(policy, """
                {"version":1,
                 "roots":[{"path":"%s","mode":"write"}],
                 "tools":["fs.list","exec"],
                 "commands":[{"name":"greet","argv":["/bin/echo","hello","{who}"],
                              "params":{"who":{"pattern":"[a-z]+"}},"timeoutSeconds":10,
                              "approvalRequired":true},
                             {"name":"nap","argv":["/bin/sleep","{seconds}"],
                              "params":{"seconds":{"pattern":"[0-9]"}},"timeoutSeconds":20,
                              "approvalRequired":true}]}
                """.formatted(root.toRealPath()));
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-r--r--"));
        agent = AgentProcess.of(tmp.resolve("agent-state"), root, logs);
        OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        agent.run(List.of("--machine-policy", policy.toString()));
        agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/tenants/acme/agents/" + agentId)
                        .body()
                        .path("state")
                        .asText()
                        .equals("online"));
        session = api.createSession("acme", "month end");
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

    private WebDriver browser() {
        return chrome.driver();
    }

    private String hold(String command, Map<String, String> params) {
        JsonNode job = expect(
                        201,
                        api.dispatch("acme", session, agentId, "exec", Map.of("command", command, "params", params)))
                .body();
        assertThat(job.path("state").asText()).isEqualTo("awaiting_approval");
        return job.path("id").asText();
    }

    /**
     * Reads an element inside a live (SSE-swapped) region: the swap may replace it between finding and
     * reading, so the read is retried on a fresh element.
     */
    private <T> T live(java.util.function.Function<WebDriver, T> read) {
        return chrome.waiting(20).ignoring(StaleElementReferenceException.class).until(read);
    }

    private String liveText(By by) {
        return live(d -> d.findElement(by).getText());
    }

    private String jobState() {
        return live(d -> d.findElement(By.id("job-state")).getAttribute("data-state"));
    }

    @Test
    @Order(1)
    void signIn() {
        browser().get(hub.url() + "/ui/approvals");
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
        browser().findElement(By.id("email")).sendKeys(EMAIL);
        browser().findElement(By.id("password")).sendKeys("wrong password"); // login.failed, for the audit page
        browser().findElement(By.cssSelector("form button[type=submit]")).click();
        chrome.visible(By.id("signin-error"));
        browser().findElement(By.id("password")).sendKeys(password);
        browser().findElement(By.cssSelector("form button[type=submit]")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/approvals"));
        assertThat(chrome.visible(By.tagName("h1")).getText()).isEqualTo("Approvals");
    }

    @Test
    @Order(2)
    void aHeldJobAppearsWithItsEvidenceAndApprovingItMakesItFinishLive() {
        chrome.visible(By.id("approvals-live"));
        chrome.markPage();
        assertThat(liveText(By.cssSelector("[data-count=pending]"))).isEqualTo("0");

        String job = hold("nap", Map.of("seconds", "2"));

        By card = By.cssSelector("article[data-job='" + job + "']");
        chrome.visible(card);
        assertThat(chrome.samePage())
                .as("the held job appeared without a reload")
                .isTrue();
        assertThat(liveText(By.cssSelector("article[data-job='" + job + "'] pre.args")))
                .contains("\"command\" : \"nap\"")
                .contains("\"seconds\" : \"2\"");
        assertThat(liveText(card))
                .contains("command template nap of exec")
                .contains(expect(200, api.get("/api/v1/tenants/acme/agents/" + agentId))
                        .body()
                        .path("hostname")
                        .asText());
        chrome.screenshotForDocs("dashboard-approvals");
        assertThat(Axe.problems(browser()))
                .as("axe-core on the approvals with a held job")
                .isEmpty();

        live(d -> {
            d.findElement(card).findElement(By.linkText("Review and decide")).click();
            return true;
        });
        browser().findElement(By.id("approve-reason")).sendKeys("month-end export, expected");
        browser().findElement(By.id("approve")).click();

        chrome.waiting(20).until(ExpectedConditions.urlContains("?decided"));
        chrome.markPage();
        chrome.waiting(30).until(d -> jobState().equals("succeeded"));
        assertThat(chrome.samePage())
                .as("the job finished on the open page, without a reload")
                .isTrue();
        assertThat(liveText(By.id("job-decision"))).startsWith("approved").contains("month-end export, expected");
        assertThat(api.awaitJob("acme", job).path("state").asText()).isEqualTo("succeeded");
    }

    @Test
    @Order(3)
    void denyingOnThePageEndsTheJobWithTheReason() {
        String job = hold("greet", Map.of("who", "nobody"));
        browser().get(hub.url() + "/ui/approvals/" + job);
        chrome.visible(By.cssSelector("pre.args"));
        assertThat(liveText(By.cssSelector("pre.args"))).contains("\"who\" : \"nobody\"");
        assertThat(Axe.problems(browser())).as("axe-core on a held job's page").isEmpty();

        browser().findElement(By.id("deny-reason")).sendKeys("not in the change window");
        browser().findElement(By.id("deny")).click();

        chrome.waiting(20).until(ExpectedConditions.urlContains("?decided"));
        chrome.waiting(20).until(d -> jobState().equals("cancelled"));
        assertThat(liveText(By.id("job-reason"))).isEqualTo("not in the change window");
        assertThat(liveText(By.id("job-error"))).contains("approval_denied");
        assertThat(browser().findElements(By.id("approve"))).isEmpty();
        JsonNode denied =
                expect(200, api.get("/api/v1/tenants/acme/jobs/" + job)).body();
        assertThat(denied.path("attempt").asInt()).as("never sent").isZero();
        assertThat(denied.path("approval").path("reason").asText()).isEqualTo("not in the change window");
    }

    @Test
    @Order(4)
    void aDeviceCodeIsApprovedFromThePage() throws Exception {
        try (OsProcess register = OsProcess.startJar(
                "register-device",
                Jvm.agentJar(),
                logs.resolve("agent-device-register.log"),
                Map.of(),
                List.of(
                        "register",
                        "--server",
                        hub.url(),
                        "--pin",
                        hub.fingerprint(),
                        "--state-dir",
                        tmp.resolve("device-agent").toString()))) {
            register.awaitOutput("Waiting for approval", Duration.ofSeconds(60));
            Matcher code = USER_CODE.matcher(register.output());
            assertThat(code.find()).as(register.output()).isTrue();

            // the verification URI the agent prints forwards to the dashboard page
            browser().get(hub.url() + "/device?user_code=" + code.group(1).toLowerCase());
            chrome.visible(By.id("device-pending"));
            assertThat(liveText(By.id("device-user"))).isEqualTo(System.getProperty("user.name"));
            assertThat(liveText(By.id("device-fingerprint"))).startsWith("SHA256:");
            assertThat(liveText(By.id("device-os"))).isNotBlank();
            assertThat(Axe.problems(browser()))
                    .as("axe-core on a device request")
                    .isEmpty();
            browser().findElement(By.id("device-labels")).sendKeys("lab, eu");
            browser().findElement(By.id("device-approve")).click();

            assertThat(chrome.visible(By.cssSelector(".flash")).getText())
                    .as("the approved machine by its host name")
                    .matches("Approved: [^ (]+ \\(agent agt_\\w+\\) is enrolled.*");
            assertThat(register.awaitExit(Duration.ofSeconds(60)))
                    .as(register.output())
                    .isZero();
            assertThat(register.output()).contains("Registered as agt_");
        }
        JsonNode agents = expect(200, api.get("/api/v1/tenants/acme/agents")).body();
        assertThat(agents.toString()).contains("\"lab\"").contains("\"eu\"");

        browser().get(hub.url() + "/ui/device?user_code=BCDF-GHJK");
        assertThat(chrome.visible(By.id("device-problem")).getText()).contains("no pending request");
    }

    @Test
    @Order(5)
    void theAuditLogFiltersByTypeOutcomeAndTime() {
        browser().get(hub.url() + "/ui/audit");
        assertThat(chrome.visible(By.id("audit-table")).getText())
                .contains("job.approved")
                .contains("job.denied")
                .contains("device.approved");
        assertThat(Axe.problems(browser())).as("axe-core on the audit log").isEmpty();

        new Select(browser().findElement(By.id("audit-type"))).selectByValue("job.denied");
        browser().findElement(By.id("audit-filter")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("type=job.denied"));
        List<WebElement> rows = browser().findElements(By.cssSelector("#audit-table tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("not in the change window");

        browser().get(hub.url() + "/ui/audit?outcome=failure");
        rows = chrome.visible(By.id("audit-table")).findElements(By.cssSelector("tbody tr"));
        assertThat(rows)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getAttribute("data-outcome")).isEqualTo("failure"));
        assertThat(rows).anySatisfy(r -> assertThat(r.getAttribute("data-type")).isEqualTo("login.failed"));

        new Select(browser().findElement(By.id("audit-outcome"))).selectByValue("");
        var to = browser().findElement(By.id("audit-to"));
        ((org.openqa.selenium.JavascriptExecutor) browser())
                .executeScript("arguments[0].value = '2020-01-01T00:00';", to);
        browser().findElement(By.id("audit-filter")).click();
        assertThat(chrome.visible(By.cssSelector("p.empty")).getText()).contains("No event matches this filter");
    }

    @Test
    @Order(6)
    void theOpsConsoleDrawsTheNodesDispatchesLive() {
        browser().get(hub.url() + "/ui/ops");
        chrome.visible(By.id("ops-live"));
        chrome.markPage();
        assertThat(Integer.parseInt(liveText(By.cssSelector("[data-count=connected]"))))
                .isGreaterThanOrEqualTo(1);
        String before = liveText(By.cssSelector("[data-count=dispatched]"));

        for (int i = 0; i < 5; i++) {
            String job = expect(201, api.dispatch("acme", session, agentId, "fs.list", Map.of("path", ".")))
                    .body()
                    .path("id")
                    .asText();
            assertThat(api.awaitJob("acme", job).path("state").asText()).isEqualTo("succeeded");
        }

        boolean counted = live(d -> Integer.parseInt(
                        d.findElement(By.cssSelector("[data-count=dispatched]")).getText())
                >= Integer.parseInt(before) + 5);
        assertThat(counted).isTrue();
        assertThat(chrome.samePage())
                .as("the console followed without a reload")
                .isTrue();
        String total = live(d -> d.findElement(By.cssSelector("#chart-dispatch-svg g[data-series=dispatched]"))
                .getAttribute("data-total"));
        assertThat(Double.parseDouble(total)).isGreaterThan(0);
        int latencyLines = live(d ->
                d.findElements(By.cssSelector("#chart-latency-svg polyline")).size());
        int agentLines = live(d ->
                d.findElements(By.cssSelector("#chart-agents-svg polyline")).size());
        int charts = live(d -> d.findElements(By.cssSelector("svg.chart")).size());
        assertThat(latencyLines).isPositive();
        assertThat(agentLines).isPositive();
        assertThat(charts).isEqualTo(5);
        chrome.screenshotForDocs("dashboard-ops");
        assertThat(Axe.problems(browser()))
                .as("axe-core on the ops console's charts")
                .isEmpty();

        // the node selector: the one node of the embedded database, alone, shows the same numbers
        Select nodes = new Select(browser().findElement(By.id("ops-node")));
        assertThat(nodes.getFirstSelectedOption().getText()).isEqualTo("all nodes (cluster)");
        String node = nodes.getOptions().get(1).getAttribute("value");
        nodes.selectByValue(node);
        browser()
                .findElement(By.cssSelector("form[action='/ui/ops'] button[type=submit]"))
                .click();
        String view =
                live(d -> d.findElement(By.cssSelector("#ops-live [data-view]")).getAttribute("data-view"));
        assertThat(view).isEqualTo("node");
        assertThat(browser().getCurrentUrl()).endsWith("/ui/ops?node=" + node);
        assertThat(Integer.parseInt(liveText(By.cssSelector("[data-count=dispatched]"))))
                .isGreaterThanOrEqualTo(Integer.parseInt(before) + 5);
    }
}
