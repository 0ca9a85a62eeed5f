package io.enginex.edge.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.CapturedLog;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's hostname with CR/LF cannot forge a line in the hub's log: registration refuses it with
 * a 400 that names the field, hello stores it escaped, and either way the log (text and JSON, as
 * {@code engine serve} writes them) has exactly one line with the escaped text and none that starts
 * with the forged text.
 */
class LogForgingIT {
    private static final String FORGED = "host\nFAKE LINE";
    private static final String ESCAPED = "host\\nFAKE LINE";

    @TempDir
    Path dir;

    private TestHub hub;
    private CapturedLog text;
    private CapturedLog json;

    @BeforeEach
    void start() {
        hub = TestHub.start(dir);
        text = CapturedLog.text();
        json = CapturedLog.json();
    }

    @AfterEach
    void stop() {
        text.close();
        json.close();
        hub.close();
    }

    @Test
    void registrationWithALineBreakInTheHostnameIsRefusedAndLoggedOnOneLine() throws Exception {
        String tenant = hub.newTenant();
        var r = hub.api()
                .post(
                        "/api/v1/agent/register",
                        null,
                        Map.of(
                                "token",
                                hub.newToken(tenant, Map.of()),
                                "publicKey",
                                TestAgent.publicKeyBase64(TestAgent.newKeyPair()),
                                "hostname",
                                FORGED,
                                "os",
                                "Linux",
                                "arch",
                                "amd64",
                                "agentVersion",
                                "0.1.0-test"));

        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("unprintable_field");
        assertThat(r.message())
                .startsWith("hostname must not contain control characters")
                .contains("U+000A");
        assertOneEscapedLine();
    }

    @Test
    void helloWithALineBreakInTheHostnameIsStoredEscapedAndLoggedOnOneLine() throws Exception {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connect(agent)) {
            socket.send(new Hello(
                    socket.nextId(), Protocol.VERSION, "0.1.0-test", "Linux", "amd64", FORGED, List.of(), ""));
            socket.expect(Welcome.class);
        }
        JsonNode listed = hub.api()
                .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                .body();
        assertThat(listed.path("hostname").asText()).isEqualTo(ESCAPED);
        assertOneEscapedLine();
    }

    private void assertOneEscapedLine() throws Exception {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(text.linesWith("FAKE LINE"))
                    .hasSize(1)
                    .allSatisfy(line -> assertThat(line).contains(ESCAPED).matches("^\\d{4}-\\d\\d-\\d\\d \\d\\d:.*"));
            assertThat(json.linesWith("FAKE LINE")).hasSize(1);
        });
        assertThat(text.lines()).noneMatch(line -> line.startsWith("FAKE"));
        assertThat(json.lines())
                .allSatisfy(line ->
                        assertThat(TestHub.MAPPER.readTree(line).isObject()).isTrue());
        JsonNode event = TestHub.MAPPER.readTree(json.linesWith("FAKE LINE").getFirst());
        assertThat(event.toString()).contains(ESCAPED.replace("\\", "\\\\"));
    }
}
