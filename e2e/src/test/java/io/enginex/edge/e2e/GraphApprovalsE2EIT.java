package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Approval steps decided on the hub, with the real hub and agent processes and the real headless Chromium:
 * a graph whose {@code pay} step needs approval is started three times from the hub. The hub lists each
 * waiting step with what it would run; the first is approved over the API (its effect happens once, a
 * retry with the same key changes nothing and another decision is refused), the second is denied over the
 * API (no effect, the step fails {@code approval_denied}), and the third is approved with the dashboard's
 * Approve button while the agent is stopped: the decision waits on the hub and is applied once after the
 * agent reconnects. In between, a fourth is approved at the machine while the agent runs ({@code graph
 * decide}, refused naming the policy key until the tenant policy allows it too): it runs once, the hub shows it
 * decided at the machine, and a later decision is answered already decided.
 */
class GraphApprovalsE2EIT {
    private static final String EMAIL = "ops@acme.example";
    private static final String PASSWORD = "violet harbour seven lanterns";

    /** Appends its line to effects.txt (in the agent's root). */
    private static final String EFFECT = "echo \\\"$0\\\" >> effects.txt";

    private static final String GRAPH = """
            {"version":1,"name":"payments",
             "steps":[
              {"id":"prepare","tool":"fs.list","args":{"path":"."}},
              {"id":"pay","tool":"exec","dependsOn":["prepare"],
               "args":{"command":"effect","params":{"line":"${input.day}"}},
               "approval":{"reason":"sends the month's payments"}}
             ]}""";

    @RegisterExtension
    static final Chrome chrome = new Chrome();

    @TempDir
    Path tmp;

    @Test
    void stepsWaitOnTheHubAndEachDecisionIsAppliedOnceOnlineOrAfterAReconnect() throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        Path root = Files.createDirectories(tmp.resolve("files"));
        Path policy = AgentProcess.machinePolicy(tmp.resolve("policy"), """
                {"version":1,"roots":[{"path":"%s","mode":"write"}],"tools":["exec","fs.list"],
                 "localGraphDecisions":true,
                 "commands":[{"name":"effect","argv":["/bin/sh","-c","%s","{line}"],
                              "params":{"line":{"pattern":"[a-z]+"}},"timeoutSeconds":30}]}
                """.formatted(root.toRealPath(), EFFECT));
        List<String> agentArgs = List.of("--machine-policy", policy.toString());
        Path effects = root.resolve("effects.txt");
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs, "--heartbeat", "15s");
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            expect(
                    201,
                    api.post(
                            "/api/v1/tenants/acme/users",
                            Map.of("email", EMAIL, "role", "operator", "password", PASSWORD)));
            OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            agent.run(agentArgs);
            String agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                    .body()
                    .path(0)
                    .path("id")
                    .asText();
            String graphId = expect(
                            201, api.post("/api/v1/tenants/acme/graphs", Map.of("scope", "tenant", "source", GRAPH)))
                    .body()
                    .path("graph")
                    .path("id")
                    .asText();
            Path assigned = agent.stateDir().resolve("graphs/assigned/payments.json");
            await("the agent stores the assigned graph")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(assigned));

            // 1. Approved over the API: the step runs once.
            JsonNode one = waiting(api, graphId, agentId, "one");
            assertThat(one.path("graph").asText()).isEqualTo("payments");
            assertThat(one.path("version").asInt()).isEqualTo(1);
            assertThat(one.path("step").asText()).isEqualTo("pay");
            assertThat(one.path("tool").asText()).isEqualTo("exec");
            assertThat(one.path("reason").asText()).isEqualTo("sends the month's payments");
            assertThat(one.path("args").path("command").asText()).isEqualTo("effect");
            assertThat(one.hasNonNull("requestedAt")).isTrue();
            assertThat(Files.exists(effects))
                    .as("nothing ran before the decision")
                    .isFalse();
            String approve =
                    "/api/v1/tenants/acme/graph-approvals/" + one.path("id").asText() + "/approve";
            JsonNode decided = expect(200, api.post(approve, Map.of("reason", "month end"), "key-one"))
                    .body();
            assertThat(decided.path("approved").asBoolean()).isTrue();
            assertThat(decided.path("decidedBy").asText()).isNotEmpty();
            assertThat(expect(200, api.post(approve, Map.of("reason", "month end"), "key-one"))
                            .body()
                            .path("id"))
                    .as("a retry with the same key answers the first decision")
                    .isEqualTo(decided.path("id"));
            assertThat(expect(409, api.post(approve, Map.of(), "key-other"))
                            .error()
                            .path("code")
                            .asText())
                    .isEqualTo("graph_approval_not_waiting");
            JsonNode applied = answered(api, one.path("id").asText());
            assertThat(applied.path("outcome").asText()).isEqualTo("applied");
            await("the approved step ran")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> lines(effects).contains("one"));
            assertThat(runStatus(api, one.path("runId").asText())).isEqualTo("succeeded");

            // 2. Denied over the API: the step never runs and fails approval_denied.
            JsonNode two = waiting(api, graphId, agentId, "two");
            expect(
                    200,
                    api.post(
                            "/api/v1/tenants/acme/graph-approvals/"
                                    + two.path("id").asText() + "/deny",
                            Map.of("reason", "wrong month"),
                            "key-two"));
            assertThat(answered(api, two.path("id").asText()).path("outcome").asText())
                    .isEqualTo("applied");
            assertThat(runStatus(api, two.path("runId").asText())).isEqualTo("failed");
            JsonNode pay = step(api, two.path("runId").asText(), "pay");
            assertThat(pay.path("error").path("code").asText()).isEqualTo("approval_denied");
            assertThat(pay.path("error").path("message").asText()).contains("wrong month");

            // 4. Decided at the machine while the agent runs (graph decide through its local API), once the
            // tenant policy allows it too; the hub learns it.
            JsonNode four = waiting(api, graphId, agentId, "four");
            String fourRun = four.path("runId").asText();
            OsProcess.Completed refused = agent.command("graph", "decide", fourRun, "pay", "--approve");
            assertThat(refused.exitCode()).as(refused.output()).isNotZero();
            assertThat(refused.output())
                    .as("the refusal names the policy key to set")
                    .contains("\"localGraphDecisions\": true in a tenant policy on the hub");
            expect(
                    201,
                    api.post(
                            "/api/v1/tenants/acme/policies",
                            Map.of("scope", "tenant", "policy", Map.of("version", 1, "localGraphDecisions", true))));
            await("the machine decides once the tenant policy allows it")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> agent.command("graph", "decide", fourRun, "pay", "--approve")
                                    .exitCode()
                            == 0);
            await("the step approved at the machine ran")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> lines(effects).contains("four"));
            JsonNode local = answered(api, four.path("id").asText());
            assertThat(local.path("outcome").asText()).isEqualTo("decided_on_machine");
            assertThat(local.path("decidedBy").asText()).startsWith("local:");
            assertThat(local.path("approved").asBoolean()).isTrue();
            assertThat(runStatus(api, fourRun)).isEqualTo("succeeded");
            OsProcess.Completed again = agent.command("graph", "decide", fourRun, "pay", "--deny", "too late");
            assertThat(again.exitCode()).isNotZero();
            assertThat(again.output()).as("the first decision wins").contains("already decided by local:");

            // 3. Decided with the dashboard's Approve button while the agent is stopped.
            JsonNode three = waiting(api, graphId, agentId, "three");
            agent.process().stop();
            String threeId = three.path("id").asText();
            chrome.driver().get(hub.url() + "/ui/approvals");
            chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
            chrome.driver().findElement(By.id("email")).sendKeys(EMAIL);
            chrome.driver().findElement(By.id("password")).sendKeys(PASSWORD);
            chrome.driver()
                    .findElement(By.cssSelector("form button[type=submit]"))
                    .click();
            chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/approvals"));
            By card = By.cssSelector("[data-graph-approval='" + threeId + "']");
            chrome.visible(card);
            // The list is a live (SSE-swapped) region: a swap may replace the card between finding and clicking.
            chrome.waiting(20).ignoring(StaleElementReferenceException.class).until(d -> {
                d.findElement(card)
                        .findElement(By.linkText("Review and decide"))
                        .click();
                return true;
            });
            assertThat(chrome.visible(By.id("graph-approval-args")).getText()).contains("three");
            assertThat(Axe.problems(chrome.driver()))
                    .as("axe-core on a graph step's approval page")
                    .isEmpty();
            chrome.driver().findElement(By.id("approve")).click();
            chrome.waiting(20).until(ExpectedConditions.urlContains("?decided"));
            assertThat(chrome.visible(By.id("graph-approval-state")).getAttribute("data-state"))
                    .isEqualTo("decided");
            assertThat(chrome.visible(By.id("graph-approval-outcome")).getText())
                    .contains("sent when the agent connects");
            assertThat(lines(effects)).doesNotContain("three");

            chrome.markPage();
            agent.start(agentArgs);
            assertThat(answered(api, threeId).path("outcome").asText()).isEqualTo("applied");
            await("the step decided while the agent was offline ran")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> lines(effects).contains("three"));
            assertThat(runStatus(api, three.path("runId").asText())).isEqualTo("succeeded");
            chrome.waiting(30)
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> "applied"
                            .equals(d.findElement(By.id("graph-approval-outcome"))
                                    .getAttribute("data-outcome")));
            assertThat(chrome.samePage())
                    .as("the agent's answer arrived without a reload")
                    .isTrue();

            // Each approved step ran exactly once; the denied one never.
            assertThat(lines(effects)).containsExactlyInAnyOrder("one", "four", "three");
            JsonNode audit = expect(200, api.get("/api/v1/tenants/acme/audit?type=graph-step.approved"))
                    .body();
            assertThat(audit.toString()).contains(one.path("id").asText()).contains(threeId);
        }
    }

    /** Starts a run with {@code day} on the agent and waits until the hub lists its pay step as waiting. */
    private static JsonNode waiting(HubApi api, String graphId, String agentId, String day) {
        expect(
                202,
                api.post(
                        "/api/v1/tenants/acme/graphs/" + graphId + "/start",
                        Map.of("agentId", agentId, "input", Map.of("day", day)),
                        "start-" + day));
        JsonNode[] found = new JsonNode[1];
        await("the hub lists run " + day + "'s step as waiting")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    for (JsonNode a : expect(200, api.get("/api/v1/tenants/acme/graph-approvals?state=waiting"))
                            .body()) {
                        if (a.path("args").path("params").path("line").asText().equals(day)) {
                            found[0] = a;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    private static JsonNode answered(HubApi api, String id) {
        JsonNode[] found = new JsonNode[1];
        await("the agent answers decision " + id).atMost(Duration.ofSeconds(60)).until(() -> {
            found[0] = expect(200, api.get("/api/v1/tenants/acme/graph-approvals/" + id))
                    .body();
            return found[0].path("state").asText().equals("answered");
        });
        return found[0];
    }

    private static String runStatus(HubApi api, String runId) {
        String[] status = new String[1];
        await("run " + runId + " ends on the hub")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    HubApi.Response r = api.get("/api/v1/tenants/acme/graph-runs/" + runId);
                    status[0] = r.status() == 200 ? r.body().path("status").asText() : "absent";
                    return !status[0].equals("absent") && !status[0].equals("running");
                });
        return status[0];
    }

    private static JsonNode step(HubApi api, String runId, String step) {
        for (JsonNode s : expect(200, api.get("/api/v1/tenants/acme/graph-runs/" + runId))
                .body()
                .path("steps")) {
            if (s.path("step").asText().equals(step)) {
                return s;
            }
        }
        throw new AssertionError("run " + runId + " has no step " + step);
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
