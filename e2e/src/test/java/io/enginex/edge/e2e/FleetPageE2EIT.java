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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The fleet page in a real browser (headless Debian Chromium) against the real hub with two real
 * agents (one running, one registered and never started): paging, sorting and search through links and
 * the form (the URL holds the view), axe-core's WCAG 2.2 A/AA rules, and a live change (the running
 * agent stops) applied to its row in place: the table and the other rows stay the same DOM nodes, the
 * focused link keeps focus, and the polite live region says the agent went offline. What the hub sends
 * (one row, not the table) and tenant isolation are in the server's FleetPagingIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetPageE2EIT {
    static final String EMAIL = "fleet@acme.example";
    static final String PASSWORD = "violet harbour seven lanterns";

    @RegisterExtension
    static final Chrome chrome = new Chrome();

    private HubProcess hub;
    private AgentProcess running;
    private AgentProcess idle;
    private String runningId;
    private String idleId;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        HubApi api = hub.api();
        api.createTenant("acme");
        expect(
                201,
                api.post("/api/v1/tenants/acme/users", Map.of("email", EMAIL, "role", "viewer", "password", PASSWORD)));
        Path root = Files.createDirectories(tmp.resolve("files"));
        idle = AgentProcess.of(tmp.resolve("idle"), root, logs);
        OsProcess.Completed first = idle.register(hub, api.createRegistrationToken("acme"));
        assertThat(first.exitCode()).as(first.output()).isZero();
        idleId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        running = AgentProcess.of(tmp.resolve("running"), root, logs);
        OsProcess.Completed second = running.register(hub, api.createRegistrationToken("acme"));
        assertThat(second.exitCode()).as(second.output()).isZero();
        running.run();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (var a : api.get("/api/v1/tenants/acme/agents").body()) {
                if (a.path("state").asText().equals("online")) {
                    runningId = a.path("id").asText();
                    return true;
                }
            }
            return false;
        });
    }

    @AfterAll
    void stop() {
        if (running != null) {
            running.close();
        }
        if (idle != null) {
            idle.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private WebDriver browser() {
        return chrome.driver();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser()).executeScript(script, args);
    }

    @Test
    void pageSortSearchThenALiveRowChangesInPlace() {
        browser().get(hub.url() + "/ui/fleet?size=1&sort=state");
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
        browser().findElement(By.id("email")).sendKeys(EMAIL);
        browser().findElement(By.id("password")).sendKeys(PASSWORD);
        browser().findElement(By.cssSelector("form button[type=submit]")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/fleet"));

        // one agent a page, connected ones first: the running agent, then the next page holds the other
        assertThat(chrome.visible(By.id("page-of")).getText()).isEqualTo("Page 1 of 2");
        assertThat(chrome.visible(By.cssSelector("#fleet-table tbody tr")).getAttribute("data-agent"))
                .isEqualTo(runningId);
        assertThat(browser().findElement(By.cssSelector("th[aria-sort] a")).getAttribute("data-sort"))
                .isEqualTo("state");
        browser().findElement(By.id("page-next")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("page=2"));
        var second = chrome.visible(By.cssSelector("#fleet-table tbody tr"));
        assertThat(second.getAttribute("data-agent")).isEqualTo(idleId);
        assertThat(second.getText()).contains("registered, never connected");

        // sorting by state again turns the order round (back to page 1, which now holds the idle agent)
        browser().findElement(By.cssSelector("a[data-sort=state]")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("dir=desc"));
        assertThat(chrome.visible(By.cssSelector("#fleet-table tbody tr")).getAttribute("data-agent"))
                .isEqualTo(idleId);
        assertThat(browser()
                        .findElement(By.cssSelector("th[aria-sort=descending] a"))
                        .getAttribute("data-sort"))
                .isEqualTo("state");

        // the search form keeps the sort and finds the running agent by its id
        var search = browser().findElement(By.id("fleet-q"));
        search.sendKeys(runningId);
        search.submit();
        chrome.waiting(20).until(ExpectedConditions.urlContains("q=" + runningId));
        assertThat(browser().getCurrentUrl()).contains("sort=state").contains("dir=desc");
        assertThat(browser().findElements(By.cssSelector("#fleet-table tbody tr")))
                .hasSize(1);

        // the whole fleet: both rows; the live stream is connected once the page says so
        browser().get(hub.url() + "/ui/fleet");
        chrome.waiting(20).until(ExpectedConditions.attributeToBe(By.id("fleet-live"), "data-live-ready", "true"));
        assertThat(Axe.problems(browser())).as("axe-core on the fleet page").isEmpty();
        chrome.markPage();
        var link = browser().findElement(By.cssSelector("tr[data-agent='" + idleId + "'] a"));
        js(
                "arguments[0].focus();"
                        + "document.getElementById('fleet-table').__kept = true;"
                        + "document.querySelector(\"tr[data-agent='" + idleId + "']\").__kept = true;"
                        + "document.querySelector(\"tr[data-agent='" + runningId + "']\").__kept = true;",
                link);
        String host = browser()
                .findElement(By.cssSelector("tr[data-agent='" + runningId + "']"))
                .getAttribute("data-host");

        running.close();

        chrome.waiting(30)
                .until(ExpectedConditions.attributeToBe(
                        By.cssSelector("tr[data-agent='" + runningId + "']"), "data-state", "offline"));
        assertThat(chrome.samePage())
                .as("the change arrived over SSE, not by reloading")
                .isTrue();
        assertThat(js("return document.getElementById('fleet-table').__kept === true"
                        + " && document.querySelector(\"tr[data-agent='" + idleId + "']\").__kept === true"
                        + " && document.querySelector(\"tr[data-agent='" + runningId + "']\").__kept === true;"))
                .as("the table and its rows are the same elements: the changed row was updated, not re-rendered")
                .isEqualTo(true);
        assertThat(js("return document.activeElement === arguments[0];", link))
                .as("focus stays on the link it was on")
                .isEqualTo(true);
        chrome.waiting(10)
                .until(ExpectedConditions.textToBePresentInElementLocated(
                        By.id("fleet-announce"), host + " went offline"));
        assertThat(browser().findElement(By.id("fleet-announce")).getAttribute("aria-live"))
                .isEqualTo("polite");
        assertThat(browser().findElement(By.cssSelector("[data-count=offline]")).getText())
                .isEqualTo("2");
    }
}
