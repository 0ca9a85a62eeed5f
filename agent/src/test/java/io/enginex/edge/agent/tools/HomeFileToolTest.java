package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.policy.AccessMode;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyException;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.testing.RecordingSessionRouter;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** File tools on home roots ({@code ~/…}): what the service checks and sends to the user's session part. */
class HomeFileToolTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Clock clock = Clock.systemUTC();
    private final RecordingSessionRouter sessions = new RecordingSessionRouter();

    private Policy policy(String json) {
        return new PolicyFile(mapper, FileSystems.getDefault())
                .parse(json.getBytes(StandardCharsets.UTF_8), "machine policy t");
    }

    private ToolRegistry registry(Policy policy, Optional<RecordingSessionRouter> router) {
        return new ToolRegistry(BuiltinTools.create(
                Optional.empty(),
                policy,
                new HostInfo("linux", "amd64", "host", "1"),
                clock,
                Instant.now(),
                Optional.empty(),
                router.<io.enginex.edge.agent.usersession.SessionRouter>map(r -> r)));
    }

    private void call(ToolRegistry registry, String tool, String args) throws Exception {
        registry.call(
                tool,
                mapper.readTree(args),
                ToolContext.detached("job-1", clock.instant().plusSeconds(30), clock));
    }

    private static final String DOWNLOADS = """
            {"roots":[{"path":"~/Downloads","mode":"read"}],"tools":["fs.read","fs.write"]}
            """;

    @Test
    void homeRootsAreParsedAndMustStayInsideTheHome() {
        assertThat(policy(DOWNLOADS).roots()).singleElement().satisfies(r -> {
            assertThat(r.home()).isTrue();
            assertThat(r.label()).isEqualTo("~/Downloads");
        });
        assertThat(policy(DOWNLOADS)
                        .withinRoot(new RootRule(Path.of("/srv/share"), AccessMode.WRITE, "--root"))
                        .roots())
                .as("--root picks the service's folder and leaves the user's")
                .extracting(RootRule::label)
                .containsExactly("~/Downloads");
        for (String bad : new String[] {"~/", "~/..", "~/../etc", "~/~/x"}) {
            assertThatThrownBy(() -> policy("{\"roots\":[{\"path\":\"" + bad + "\"}]}"))
                    .as(bad)
                    .isInstanceOf(PolicyException.class)
                    .hasMessageContaining("inside the user's home");
        }
    }

    @Test
    void aHomePathGoesToThatUsersSessionWithTheEffectiveHomeRoots() throws Exception {
        ToolRegistry registry = registry(policy(DOWNLOADS), Optional.of(sessions));

        assertThat(registry.names()).contains("fs.read").doesNotContain("fs.write");
        call(registry, "fs.read", "{\"path\":\"~alice/Downloads/./q3.csv\"}");

        assertThat(sessions.calls()).singleElement().satisfies(c -> {
            assertThat(c.user()).isEqualTo("alice");
            assertThat(c.action()).isEqualTo("fs");
            assertThat(c.args().path("tool").asText()).isEqualTo("fs.read");
            assertThat(c.args().path("args").toString()).isEqualTo("{\"path\":\"~/Downloads/q3.csv\"}");
            assertThat(c.args().path("roots").toString()).isEqualTo("[{\"path\":\"Downloads\",\"mode\":\"read\"}]");
            assertThat(c.args().path("deny").toString()).contains("**/.ssh");
        });
    }

    @Test
    void pathsOutsideTheHomeRootsAreRefusedBeforeAnySessionIsAsked() {
        ToolRegistry registry = registry(policy(DOWNLOADS), Optional.of(sessions));

        for (String path :
                new String[] {"~/Documents/a", "~/Downloads/../.ssh/id_ed25519", "~bob/../alice/Downloads/x"}) {
            assertThatThrownBy(() -> call(registry, "fs.read", "{\"path\":\"" + path + "\"}"))
                    .as(path)
                    .isInstanceOfSatisfying(
                            ToolException.class,
                            e -> assertThat(e.code()).isIn(ErrorCodes.PATH_OUTSIDE_ROOT, ErrorCodes.INVALID_ARGUMENTS));
        }
        assertThatThrownBy(() -> call(registry, "fs.read", "{\"path\":\"/etc/passwd\"}"))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT);
                    assertThat(e.getMessage()).contains("~/Downloads");
                });
        assertThat(sessions.calls()).isEmpty();
    }

    @Test
    void withoutSessionPartsHomeRootsOfferNoFileTools() {
        ToolRegistry registry = registry(policy(DOWNLOADS), Optional.empty());

        assertThat(registry.names()).doesNotContain("fs.read");
    }
}
