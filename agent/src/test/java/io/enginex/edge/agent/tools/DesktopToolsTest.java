package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.testing.RecordingSessionRouter;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The desktop tools check the effective policy before anything reaches a user's session. */
class DesktopToolsTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Clock clock = Clock.systemUTC();
    private final RecordingSessionRouter sessions = new RecordingSessionRouter(call -> mapper.createObjectNode()
            .put("user", "alice")
            .set(
                    "apps",
                    mapper.createArrayNode()
                            .add(mapper.createObjectNode()
                                    .put("id", "org.example.Viewer")
                                    .put("name", "Viewer"))
                            .add(mapper.createObjectNode()
                                    .put("id", "org.example.Shell")
                                    .put("name", "Shell"))));

    private Policy policy(String json) {
        return new PolicyFile(mapper, FileSystems.getDefault())
                .parse(json.getBytes(StandardCharsets.UTF_8), "machine policy t");
    }

    private ToolRegistry registry(Policy policy) {
        return new ToolRegistry(BuiltinTools.create(
                Optional.empty(),
                policy,
                new HostInfo("linux", "amd64", "host", "1"),
                clock,
                Instant.now(),
                Optional.empty(),
                Optional.of(sessions)));
    }

    private JsonNode call(ToolRegistry registry, String tool, String args) throws Exception {
        return registry.call(
                tool,
                mapper.readTree(args),
                ToolContext.detached("job-1", clock.instant().plusSeconds(30), clock));
    }

    @Test
    void desktopToolsAreOfferedOnlyWhenThePolicyNamesThem() {
        assertThat(registry(policy("{\"tools\":[\"sys.info\"]}")).names()).doesNotContain("app.list", "desktop.notify");
        assertThat(registry(policy("{\"tools\":[\"app.list\",\"app.launch\",\"desktop.notify\"]}"))
                        .names())
                .contains("app.list", "desktop.notify")
                .as("app.launch needs apps in the policy")
                .doesNotContain("app.launch");
    }

    @Test
    void launchSendsOnlyAnAllowedAppAndItsCheckedParameters() throws Exception {
        ToolRegistry registry = registry(policy("""
                {"tools":["app.launch"],"apps":[{"id":"org.example.Viewer","argv":["/usr/bin/viewer","{file}"],
                 "params":{"file":{"enum":["/srv/a.pdf"]}}}]}
                """));

        call(
                registry,
                "app.launch",
                "{\"app\":\"org.example.Viewer\",\"params\":{\"file\":\"/srv/a.pdf\"},\"user\":\"alice\"}");

        assertThat(sessions.calls()).singleElement().satisfies(c -> {
            assertThat(c.user()).isEqualTo("alice");
            assertThat(c.action()).isEqualTo("launch");
            assertThat(c.args().toString())
                    .isEqualTo("{\"app\":\"org.example.Viewer\",\"params\":{\"file\":\"/srv/a.pdf\"}}");
        });
        assertThatThrownBy(() -> call(registry, "app.launch", "{\"app\":\"org.example.Shell\"}"))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
                    assertThat(e.getMessage()).contains("org.example.Viewer");
                });
        assertThatThrownBy(() -> call(
                        registry,
                        "app.launch",
                        "{\"app\":\"org.example.Viewer\",\"params\":{\"file\":\"/etc/shadow\"}}"))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));
        assertThat(sessions.calls()).hasSize(1);
    }

    @Test
    void openChecksRootsAndUrlsBeforeTheSessionSeesThem() throws Exception {
        ToolRegistry registry = registry(policy("""
                {"tools":["app.open"],"roots":[{"path":"/home/alice/Documents"}],
                 "urls":["https://intranet.example.com/"]}
                """));

        call(registry, "app.open", "{\"path\":\"/home/alice/Documents/q3.pdf\"}");
        call(registry, "app.open", "{\"url\":\"https://intranet.example.com/x\"}");

        assertThat(sessions.calls())
                .extracting(c -> c.args().toString())
                .containsExactly(
                        "{\"path\":\"/home/alice/Documents/q3.pdf\",\"roots\":[\"/home/alice/Documents\"]}",
                        "{\"url\":\"https://intranet.example.com/x\"}");
        for (String refused : List.of(
                "{\"path\":\"/home/alice/.ssh/id_ed25519\"}",
                "{\"path\":\"/home/alice/Documents/../.ssh/id_ed25519\"}",
                "{\"url\":\"https://attacker.example.net/\"}",
                "{\"path\":\"/home/alice/Documents/a\",\"url\":\"https://intranet.example.com/\"}")) {
            assertThatThrownBy(() -> call(registry, "app.open", refused)).isInstanceOf(ToolException.class);
        }
        assertThat(sessions.calls()).hasSize(2);
    }

    @Test
    void listMarksWhichApplicationsMayBeLaunched() throws Exception {
        ToolRegistry registry = registry(policy("""
                {"tools":["app.list"],"apps":[{"id":"org.example.Viewer","argv":["/usr/bin/viewer"]}]}
                """));

        JsonNode out = call(registry, "app.list", "{}");

        assertThat(out.path("user").asText()).isEqualTo("alice");
        assertThat(out.path("apps").get(0).path("allowed").asBoolean()).isTrue();
        assertThat(out.path("apps").get(1).path("allowed").asBoolean()).isFalse();
    }
}
