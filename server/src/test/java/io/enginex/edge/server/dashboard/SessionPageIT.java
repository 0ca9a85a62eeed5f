package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session page behind the capability link the API returns. */
class SessionPageIT {
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

    private static String pathOf(String pageUrl) {
        URI uri = URI.create(pageUrl);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    @Test
    void pageShowsJobsEscapedRefreshesWhileRunningAndStopsWhenDone() {
        var created = hub.api()
                .post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of("name", "<b>month</b> end"));
        String pageUrl = created.get("pageUrl");
        assertThat(pageUrl).startsWith(hub.url() + "/ui/sessions/" + created.get("id") + "?t=");
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.read")) {
            String jobId = hub.dispatch(
                            tenant,
                            created.get("id"),
                            agent.agentId(),
                            "fs.read",
                            Map.of("path", "<script>alert(1)</script>"),
                            60)
                    .get("id")
                    .asText();
            Dispatch dispatch = socket.expect(Dispatch.class);

            var running = hub.api().get(pathOf(pageUrl), null);
            assertThat(running.status()).isEqualTo(200);
            assertThat(running.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(v -> assertThat(v).contains("html"));
            assertThat(running.text())
                    .contains("http-equiv=refresh")
                    .contains(jobId)
                    .contains("&lt;b&gt;month&lt;/b&gt; end")
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                    .doesNotContain("<script>")
                    .doesNotContain("<b>month");

            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("content", "a & b"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            await().until(() -> hub.job(tenant, jobId).get("state").asText().equals("succeeded"));
            var done = hub.api().get(pathOf(pageUrl), null);
            assertThat(done.text())
                    .doesNotContain("http-equiv=refresh")
                    .contains("succeeded")
                    .contains("a &amp; b");
        }
    }

    @Test
    void badCapabilityIsForbiddenAndNoneAsksToSignIn() {
        var created = hub.api().post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of());
        String sid = created.get("id");
        String other = hub.api()
                .post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of())
                .get("pageUrl");
        String otherCapability = URI.create(other).getRawQuery();

        var missing = hub.api().get("/ui/sessions/" + sid, null);
        var forged = hub.api().get("/ui/sessions/" + sid + "?t=" + tenant + ".99999999999.AAAA", null);
        var borrowed = hub.api().get("/ui/sessions/" + sid + "?" + otherCapability, null);

        for (var r : java.util.List.of(forged, borrowed)) {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.text()).contains("pageUrl");
        }
        // no capability at all: the dashboard's page, which needs signing in
        assertThat(missing.status()).isEqualTo(303);
        assertThat(missing.headers().firstValue("Location")).hasValue("/ui/login?next=%2Fui%2Fsessions%2F" + sid);
    }
}
