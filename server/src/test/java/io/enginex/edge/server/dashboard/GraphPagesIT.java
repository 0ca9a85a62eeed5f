package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph pages over HTTP against a real hub: the list, a graph's steps in run order with the edges
 * into and out of each step and its condition, its versions (current, earlier, withdrawn, who made
 * each), and the runs agents uploaded over their connection (per agent, device and arrival times,
 * steps with an interrupted one marked), and a run's own page with its outputs. Another tenant's graph
 * or run is a 404 (and every route has its row in TenantIsolationIT). The browser check (axe-core at
 * a phone's width) is in e2e's DashboardE2EIT.
 */
class GraphPagesIT {
    private static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");
    private static final String DOCUMENT = """
            {
              "version": 1,
              "name": "%s",
              "schedule": {"cron": "30 2 * * 1-5", "timeZone": "Europe/Berlin"},
              "steps": [
                {"id": "list", "tool": "fs.list", "args": {"path": "${input.folder}"}},
                {"id": "report", "tool": "fs.write", "dependsOn": ["list"],
                 "when": "steps.list.output.total > 0 && input.mode != '<b>'",
                 "args": {"path": "out.json", "content": "${steps.list.output.entries}"},
                 "retry": {"maxAttempts": 3}},
                {"id": "tidy", "tool": "fs.delete", "dependsOn": ["report"], "args": {"path": "tmp"}}
              ]
            }
            """;

    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String runId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return "run_" + HexFormat.of().formatHex(b);
    }

    static String define(String tenant, String name) {
        var created = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/graphs",
                        hub.platformKey(),
                        Map.of("scope", "label:team=finance", "source", DOCUMENT.formatted(name)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().path("graph").path("id").asText();
    }

    static GraphRuns.Step step(String runId, String step, String state, String output, int minute) {
        return new GraphRuns.Step(
                runId + ":" + step,
                step,
                state,
                state.equals("interrupted") ? 1 : 2,
                state.equals("failed") ? new ErrorInfo("tool_failed", "no such folder") : null,
                state.equals("skipped") ? "its dependency report was interrupted" : null,
                output == null ? null : json(output),
                false,
                null,
                null,
                null,
                T0.plusSeconds(60L * minute),
                null,
                null);
    }

    static JsonNode json(String text) {
        try {
            return TestHub.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Uploads runs over the agent's connection, as its sync does, and waits for the hub's ack. */
    static void upload(TestAgent agent, GraphRuns.Run... runs) {
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            GraphRuns frame = new GraphRuns(socket.nextId(), List.of(runs));
            socket.send(frame);
            while (!(socket.next() instanceof GraphRunsAck ack && ack.replyTo().equals(frame.id()))) {
                // a policy frame, not the ack
            }
        }
    }

    @Test
    void aGraphPageDrawsTheStepsInRunOrderWithEdgesConditionsVersionsAndUploadedRuns() {
        String tenant = hub.newTenant();
        String graph = define(tenant, "nightly");
        var v2 = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/graphs/" + graph + "/versions",
                        hub.platformKey(),
                        Map.of("source", DOCUMENT.formatted("nightly")));
        assertThat(v2.status()).as(v2.text()).isEqualTo(201);
        TestAgent agent = hub.register(tenant);
        String interruptedRun = runId();
        String goodRun = runId();
        upload(
                agent,
                new GraphRuns.Run(
                        interruptedRun,
                        "nightly",
                        graph,
                        1,
                        "interrupted",
                        T0,
                        T0.plusSeconds(600),
                        json("{\"folder\":\"reports\"}"),
                        List.of(
                                step(interruptedRun, "list", "succeeded", "{\"total\":2}", 1),
                                step(interruptedRun, "report", "interrupted", null, 2),
                                step(interruptedRun, "tidy", "skipped", null, 3))),
                new GraphRuns.Run(
                        goodRun,
                        "nightly",
                        graph,
                        2,
                        "succeeded",
                        T0.plusSeconds(3600),
                        T0.plusSeconds(3660),
                        null,
                        List.of(step(goodRun, "list", "succeeded", "{\"total\":0}", 61))));

        var viewer = hub.signedIn(tenant, "viewer");
        String list = viewer.get("/ui/graphs").body();
        assertThat(list)
                .contains("href=\"/ui/graphs/" + graph + "\">nightly</a>")
                .contains("label:team=finance")
                .contains("No runs of graph files");

        var page = viewer.get("/ui/graphs/" + graph);
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        // the steps in run order, each with its edges and the condition, escaped as written
        assertThat(html)
                .containsSubsequence("data-step=\"list\"", "data-step=\"report\"", "data-step=\"tidy\"")
                .contains("starts the run")
                .contains("waits for <a href=\"#step-list\"><code>list</code></a>")
                .contains("then <a href=\"#step-report\"><code>report</code></a>")
                .contains("only when <code>steps.list.output.total &gt; 0 &amp;&amp; input.mode != '&lt;b&gt;'</code>")
                .doesNotContain("'<b>'")
                .contains("up to 3 attempts")
                .contains("30 2 * * 1-5 Europe/Berlin")
                .contains("Steps of version 2");
        // versions: 2 is current, 1 earlier, each with who made it
        assertThat(html)
                .containsSubsequence("data-version=\"2\"", "data-current=\"true\"", "data-version=\"1\"", "earlier")
                .contains("?version=1\">1</a>")
                // who made it by name, not by id (the platform key defined it)
                .containsSubsequence("data-version=\"2\"", "a platform API key")
                .doesNotContain("<code class=\"id\">key_");
        // runs: per agent, device times and arrival, the interrupted step marked
        assertThat(html)
                .containsSubsequence("data-run=\"" + goodRun + "\"", "data-run=\"" + interruptedRun + "\"")
                .contains("href=\"/ui/agents/" + agent.agentId() + "\"")
                .contains("datetime=\"2026-12-01T02:00:00Z\"")
                .contains("1 interrupted")
                .contains("data-step=\"report\" data-state=\"interrupted\" class=\"interrupted\"")
                .contains("not run again")
                .contains("its dependency report was interrupted")
                .contains("Arrived");

        String older = viewer.get("/ui/graphs/" + graph + "?version=1").body();
        assertThat(older).contains("Steps of version 1").contains("<strong>1</strong>");
        assertThat(viewer.get("/ui/graphs/" + graph + "?version=9").statusCode())
                .isEqualTo(404);
        assertThat(viewer.get("/ui/graphs/" + graph + "?version=two").statusCode())
                .isEqualTo(400);

        var run = viewer.get("/ui/graph-runs/" + interruptedRun);
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(run.body())
                .contains("id=\"run-state\">interrupted")
                .contains("href=\"/ui/graphs/" + graph + "\">nightly</a>")
                .contains(">{\"total\":2}</pre>")
                .contains("<code>{\"folder\":\"reports\"}</code>")
                .contains("id=\"run-standing\">outdated");

        hub.api().post("/api/v1/tenants/" + tenant + "/graphs/" + graph + "/withdraw", hub.platformKey(), Map.of());
        assertThat(viewer.get("/ui/graphs/" + graph).body())
                .contains("id=\"graph-withdrawn\"")
                .contains("nothing: withdrawn")
                .doesNotContain("data-current=\"true\"");
        assertThat(viewer.get("/ui/graphs").body()).contains("data-graph=\"" + graph + "\" data-state=\"withdrawn\"");
    }

    @Test
    void runsOfGraphFilesAreListedAndAnotherTenantsGraphAndRunAreNotFound() {
        String tenant = hub.newTenant();
        String graph = define(tenant, "files");
        TestAgent agent = hub.register(tenant);
        String local = runId();
        upload(
                agent,
                new GraphRuns.Run(
                        local,
                        "tidy-up",
                        null,
                        null,
                        "failed",
                        T0,
                        T0.plusSeconds(5),
                        null,
                        List.of(step(local, "sweep", "failed", null, 0))));
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            socket.send(new io.enginex.edge.protocol.GraphApproval(
                    socket.nextId(),
                    local,
                    "pay",
                    null,
                    "tidy-up",
                    null,
                    "exec",
                    TestHub.MAPPER.createObjectNode(),
                    "sends money",
                    T0));
            org.awaitility.Awaitility.await()
                    .until(() -> hub.signedIn(tenant, "viewer")
                            .get("/ui/graph-runs/" + local)
                            .body()
                            .contains("id=\"run-waiting\""));
        }
        var viewer = hub.signedIn(tenant, "viewer");
        assertThat(viewer.get("/ui/graph-runs/" + local).body())
                .as("the run page links to its step waiting for approval")
                .containsPattern("href=\"/ui/graph-approvals/gap_[^\"]+\">Step <code>pay</code>");
        assertThat(viewer.get("/ui/graphs").body())
                .contains("href=\"/ui/graph-runs/" + local + "\"")
                .contains("tidy-up");
        assertThat(viewer.get("/ui/graph-runs/" + local).body())
                .contains("id=\"run-standing\">local")
                .contains("<code>tool_failed</code> no such folder");

        var stranger = hub.signedIn(hub.newTenant(), "owner");
        assertThat(stranger.get("/ui/graphs/" + graph).statusCode()).isEqualTo(404);
        assertThat(stranger.get("/ui/graph-runs/" + local).statusCode()).isEqualTo(404);
        String theirs = stranger.get("/ui/graphs").body();
        assertThat(theirs).doesNotContain(graph).doesNotContain(local).contains("No graphs.");
    }

    /**
     * A step whose tool needed the consent of the person at the machine: its uploaded evidence (who
     * answered, how, when by the device's clock, what was shown) is on the run page and in the API, as a
     * job's is on the session page; fields the hub does not know are not kept, and another tenant sees
     * neither.
     */
    @Test
    void aStepsConsentAtTheMachineIsShownOnTheRunPageAndInTheApi() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String run = runId();
        JsonNode consent = json("""
                {"request":"c-7","user":"alice","tool":"app.open","shown":"{\\"path\\":\\"report.pdf\\"}",
                 "askedAt":"2026-12-01T02:00:01Z","answer":"denied","via":"dialog","answeredBy":"alice",
                 "answeredAt":"2026-12-01T02:00:09Z","secretValue":"must not be kept",
                 "requestedBy":"graph open-report (run r, step open)"}""");
        GraphRuns.Run uploaded = new GraphRuns.Run(
                run,
                "open-report",
                null,
                null,
                "failed",
                T0,
                T0.plusSeconds(10),
                null,
                List.of(
                        new GraphRuns.Step(
                                        run + ":open",
                                        "open",
                                        "failed",
                                        1,
                                        new ErrorInfo("consent_denied", "alice did not consent"),
                                        null,
                                        null,
                                        false,
                                        null,
                                        null,
                                        null,
                                        T0.plusSeconds(9),
                                        null,
                                        null)
                                .withConsent(consent),
                        step(run, "plain", "succeeded", "{\"n\":1}", 1)));
        upload(agent, uploaded);
        upload(agent, uploaded); // sent again (its ack was lost): stored and audited once

        var viewer = hub.signedIn(tenant, "viewer");
        String page = viewer.get("/ui/graph-runs/" + run).body();
        assertThat(page)
                .contains("<code>consent_denied</code> alice did not consent")
                .contains("<span class=\"consent-answer\">denied</span>")
                .contains("<code class=\"consent-by\">alice</code>")
                .contains("<span class=\"consent-via\">dialog</span> at 2026-12-01T02:00:09Z")
                .contains("<code class=\"consent-shown\">{\"path\":\"report.pdf\"}</code>")
                .contains("<code class=\"consent-requested-by\">graph open-report (run r, step open)</code>")
                .doesNotContain("must not be kept");
        assertThat(page.split("class=\"consent\"", -1))
                .as("only the step that asked shows consent")
                .hasSize(2);

        String path = "/api/v1/tenants/" + tenant + "/graph-runs/" + run;
        JsonNode steps =
                hub.api().get(path, hub.tenantKey(tenant, "viewer")).body().path("steps");
        JsonNode open = steps.findParent("consent");
        assertThat(open.path("step").asText()).isEqualTo("open");
        assertThat(open.path("consent").path("answeredBy").asText()).isEqualTo("alice");
        assertThat(open.path("consent").path("via").asText()).isEqualTo("dialog");
        assertThat(open.path("consent").path("askedAt").asText()).isEqualTo("2026-12-01T02:00:01Z");
        assertThat(open.path("consent").has("secretValue")).isFalse();

        JsonNode events = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=consent.answered", hub.platformKey())
                .body()
                .path("events");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.path("target").path("type").asText()).isEqualTo("graph_step");
            assertThat(e.path("target").path("id").asText()).isEqualTo(run + ":open");
            assertThat(e.path("actor").path("id").asText()).isEqualTo(agent.agentId());
            assertThat(e.path("outcome").asText()).isEqualTo("failure");
            assertThat(e.path("details").path("answeredBy").asText()).isEqualTo("alice");
            assertThat(e.path("details").has("secretValue")).isFalse();
        });

        String stranger = hub.newTenant();
        assertThat(hub.signedIn(stranger, "owner").get("/ui/graph-runs/" + run).statusCode())
                .isEqualTo(404);
        var theirs =
                hub.api().get("/api/v1/tenants/" + stranger + "/graph-runs/" + run, hub.tenantKey(stranger, "owner"));
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.text()).doesNotContain("alice");
    }
}
