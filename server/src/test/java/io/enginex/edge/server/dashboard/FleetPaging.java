package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet page, its CSV export, its live stream and the agents API's paging over a real hub, on each
 * database (by the subclasses, since the paging SQL differs in what each database allows): pages,
 * sorts, filters and search in the URL, counts by state, OS and version, the export of every matching
 * row with formulas neutralised, per-row live events, and another tenant's agents never in any of them.
 * The browser side (rows swapped in place, focus kept, announcements) is e2e's FleetPageE2EIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FleetPaging {
    private static final Pattern ROW = Pattern.compile("<tr data-agent=\"([^\"]+)\"");

    TestHub hub;
    String tenant;
    String other;
    String otherAgent;
    final List<String> ids = new ArrayList<>(); // host-a … host-e, in that order
    String formula;

    /** Starts the hub on the subclass's database with {@code dataDir}. */
    abstract TestHub start(Path dataDir);

    void dropDatabase() {}

    @BeforeAll
    void seed(@TempDir Path dir) {
        hub = start(dir.resolve("hub"));
        tenant = hub.newTenant();
        other = hub.newTenant();
        AgentStore store = hub.hub().stores().agents();
        Instant now = Instant.now();
        String[][] agents = {
            {"host-a", "linux", "1.0.0", "finance"},
            {"host-b", "windows", "1.1.0", "eu"},
            {"host-c", "linux", "1.1.0", "finance eu"},
            {"host-d", "macos", "1.0.0", ""},
            {"host-e", "linux", "1.0.0", "finance"},
        };
        for (String[] a : agents) {
            String id = TestHub.randomId("agt-" + a[0]);
            List<String> labels = a[3].isEmpty() ? List.of() : List.of(a[3].split(" "));
            store.create(Agent.registered(id, tenant, "key", a[0], a[1], "amd64", a[2], labels, null, now));
            ids.add(id);
        }
        // seen once, at increasing times: host-e was seen last; host-d never
        for (int i : new int[] {0, 1, 2, 4}) {
            store.touch(tenant, ids.get(i), now.minusSeconds(100 - i));
        }
        formula = TestHub.randomId("agt-formula");
        store.create(Agent.registered(
                formula, tenant, "key", "=HYPERLINK(\"x\")", "windows", "amd64", "-1", List.of("@ops"), null, now));
        otherAgent = TestHub.randomId("agt-secret");
        store.create(Agent.registered(
                otherAgent, other, "key", "host-a", "linux", "amd64", "1.0.0", List.of("finance"), null, now));
    }

    @AfterAll
    void stop() {
        try {
            if (hub != null) {
                hub.close();
            }
        } finally {
            dropDatabase();
        }
    }

    static List<String> rows(String html) {
        var m = ROW.matcher(html);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void pagesSortAndFilterFromTheUrl() {
        Browser viewer = hub.signedIn(tenant, "viewer");
        String first = viewer.get("/ui/fleet?label=finance&size=2").body();
        assertThat(rows(first)).containsExactly(ids.get(0), ids.get(2));
        assertThat(first)
                .contains("Page 1 of 2")
                .contains("href=\"/ui/fleet?label=finance&amp;page=2&amp;size=2\"")
                .contains("Agents 1–2 of 3 matching this filter");
        assertThat(rows(viewer.get("/ui/fleet?label=finance&size=2&page=2").body()))
                .containsExactly(ids.get(4));
        assertThat(rows(viewer.get("/ui/fleet?label=finance&sort=name&dir=desc").body()))
                .containsExactly(ids.get(4), ids.get(2), ids.get(0));
        // by state: these are all offline (connected agents, if any now, carry other labels), so by name
        assertThat(rows(viewer.get("/ui/fleet?label=finance&sort=state").body()))
                .containsExactly(ids.get(0), ids.get(2), ids.get(4));
        assertThat(rows(viewer.get("/ui/fleet?q=HOST-B").body())).containsExactly(ids.get(1));
        assertThat(rows(viewer.get("/ui/fleet?q=" + ids.get(3)).body())).containsExactly(ids.get(3));
        assertThat(rows(viewer.get("/ui/fleet?os=linux&version=1.0.0").body())).containsExactly(ids.get(0), ids.get(4));
        // last seen, latest first: the never-seen agents come first (no time is later than any)
        List<String> bySeen =
                rows(viewer.get("/ui/fleet?q=host-&sort=last-seen&dir=desc").body());
        assertThat(bySeen).containsExactly(ids.get(3), ids.get(4), ids.get(2), ids.get(1), ids.get(0));
        // "_" and "%" are text, not wildcards
        assertThat(rows(viewer.get("/ui/fleet?q=host_").body())).isEmpty();
        assertThat(rows(viewer.get("/ui/fleet?q=%25").body())).isEmpty();
        // a bad parameter is a clear error, not a guess
        var bad = viewer.get("/ui/fleet?sort=colour");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("sort must be name, state, os, version or last-seen");
    }

    @Test
    void countsByOsAndVersionCoverTheWholeFleetNotThePage() {
        String page = hub.signedIn(tenant, "viewer").get("/ui/fleet?q=host-b").body();
        assertThat(page)
                .contains("data-count=\"never-connected\">2</span>")
                .contains("data-os=\"linux\">3</span>")
                .contains("data-os=\"windows\">2</span>")
                .contains("data-version=\"1.0.0\">3</span>");
    }

    @Test
    void theStateFilterAndSortUseTheHubsLiveConnections() {
        Browser viewer = hub.signedIn(tenant, "viewer");
        TestAgent agent = hub.register(tenant);
        AgentSocket socket = hub.connectReady(agent, "fs.list");
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            rows(viewer.get("/ui/fleet?state=online").body()).equals(List.of(agent.agentId())));
            assertThat(rows(viewer.get("/ui/fleet?state=offline").body()))
                    .doesNotContain(agent.agentId())
                    .contains(ids.get(0));
            assertThat(rows(viewer.get("/ui/fleet?sort=state").body())).first().isEqualTo(agent.agentId());
            assertThat(rows(viewer.get("/ui/fleet?sort=state&dir=desc").body()))
                    .last()
                    .isEqualTo(agent.agentId());
        } finally {
            socket.close();
        }
    }

    @Test
    void theCsvHoldsEveryMatchingRowWithFormulasNeutralised() {
        Browser viewer = hub.signedIn(tenant, "viewer");
        var csv = viewer.get("/ui/fleet.csv?label=finance&size=1");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("fleet.csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.getFirst()).startsWith("id,hostname,state,never_connected");
        assertThat(lines).hasSize(4); // the header and all three, not the page of one
        assertThat(lines.get(1)).startsWith(ids.get(0) + ",host-a,offline,false,false,linux,amd64,1.0.0,finance,");

        String row =
                viewer.get("/ui/fleet.csv?q=" + formula).body().lines().toList().get(1);
        assertThat(row).startsWith(formula + ",\"'=HYPERLINK(\"\"x\"\")\",offline,true,false,windows,amd64,'-1,'@ops,");
    }

    @Test
    void anotherTenantsAgentsAreInNoPageExportStreamOrApiPage() {
        Browser mine = hub.signedIn(tenant, "viewer");
        Browser theirs = hub.signedIn(other, "viewer");
        assertThat(rows(mine.get("/ui/fleet?label=finance").body())).doesNotContain(otherAgent);
        assertThat(mine.get("/ui/fleet.csv").body()).doesNotContain(otherAgent);
        assertThat(rows(theirs.get("/ui/fleet").body())).containsExactly(otherAgent);
        assertThat(theirs.get("/ui/fleet.csv").body()).doesNotContain(ids.get(0));

        String theirKey = hub.tenantKey(other, "viewer");
        var refused = hub.api().get("/api/v1/tenants/" + tenant + "/agents?size=2", theirKey);
        assertThat(refused.status()).isIn(403, 404);
        assertThat(refused.text()).doesNotContain(ids.get(0));

        TestAgent agent = hub.register(tenant);
        try (var watching = mine.events("/ui/fleet/live?q=" + agent.agentId());
                var snooping = theirs.events("/ui/fleet/live?q=" + agent.agentId())) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> watching.text().contains("event: ready")
                            && snooping.text().contains("event: ready"));
            AgentSocket socket = hub.connectReady(agent, "fs.list");
            try {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> watching.text().contains("event: row")
                                && watching.text().contains("data-state=\"online\""));
                // one row's HTML, not the table
                assertThat(watching.text()).doesNotContain("<table");
                assertThat(snooping.text()).doesNotContain(agent.agentId()).doesNotContain("event: row");
            } finally {
                socket.close();
            }
        }
    }

    @Test
    void theAgentsApiPagesLikeThePage() {
        String key = hub.tenantKey(tenant, "viewer");
        var page = hub.api().get("/api/v1/tenants/" + tenant + "/agents?label=finance&size=2", key);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.body()).hasSize(2);
        assertThat(page.body().get(0).path("id").asText()).isEqualTo(ids.get(0));
        assertThat(page.headers().firstValue("X-Total-Count")).hasValue("3");
        assertThat(page.headers().firstValue("Link"))
                .hasValue("</api/v1/tenants/" + tenant + "/agents?label=finance&page=2&size=2>; rel=\"next\"");
        var last = hub.api().get("/api/v1/tenants/" + tenant + "/agents?label=finance&size=2&page=2", key);
        assertThat(last.body()).hasSize(1);
        assertThat(last.headers().firstValue("Link")).isEmpty();
        var bad = hub.api().get("/api/v1/tenants/" + tenant + "/agents?size=5000", key);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text()).contains("size must be a whole number 1-500");
    }
}
