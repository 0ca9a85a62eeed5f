package io.enginex.edge.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.Agent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolNamesTest {
    private static Agent agent(String id, String hostname, String... tools) {
        StringBuilder json = new StringBuilder("[");
        for (String t : tools) {
            json.append(json.length() > 1 ? "," : "")
                    .append("{\"name\":\"")
                    .append(t)
                    .append("\",\"inputSchema\":{}}");
        }
        json.append(']');
        return new Agent(
                id,
                "acme",
                "key",
                hostname,
                "linux",
                "amd64",
                "1.0",
                List.of(),
                json.toString(),
                null,
                Instant.EPOCH,
                null,
                null,
                null);
    }

    private static List<String> names(Agent... agents) {
        return ToolNames.name(List.of(agents)).stream().map(AgentTool::mcpName).toList();
    }

    @Test
    void aToolIsNamedAfterItsAgentsHostAndItsOwnNameWithinMcpsCharacters() {
        assertThat(names(agent("agt_1", "Laptop-07.corp.example", "fs.read", "sys.info")))
                .containsExactly("laptop-07-corp-example__fs_read", "laptop-07-corp-example__sys_info");
    }

    @Test
    void agentsSharingAHostNameAreNamedByTheirIds() {
        assertThat(names(
                        agent("agt_1", "build", "fs.read"),
                        agent("agt_2", "build", "fs.read"),
                        agent("agt_3", "db", "fs.read")))
                .containsExactly("agt_1__fs_read", "agt_2__fs_read", "db__fs_read");
    }

    @Test
    void theHubsOwnPrefixAndEmptyOrUnprintableHostNamesFallBackToTheAgentId() {
        assertThat(names(agent("agt_1", "enginex", "fs.read"), agent("agt_2", "\u202e\n", "fs.list")))
                .containsExactlyInAnyOrder("agt_1__fs_read", "agt_2__fs_list");
    }

    @Test
    void aLongHostIsCutAndANameBeyondSixtyFourCharactersOrTakenIsLeftOut() {
        String longTool = "a".repeat(70);
        List<String> named = names(agent("agt_1", "h".repeat(50), "fs.read", "fs_read", longTool));
        assertThat(named).containsExactly("h".repeat(32) + "__fs_read");
        assertThat(named).allMatch(n -> n.matches("[a-zA-Z0-9_-]{1,64}"));
    }

    @Test
    void theIdempotencyKeyIsTheSameForARetryAndDiffersPerSessionAndRequest() {
        assertThat(ToolCalls.key("s1", "7")).isEqualTo(ToolCalls.key("s1", "7")).startsWith("mcp-");
        assertThat(ToolCalls.key("s1", "7"))
                .isNotEqualTo(ToolCalls.key("s2", "7"))
                .isNotEqualTo(ToolCalls.key("s1", "\"7\""));
        assertThat(ToolCalls.key("s1", null)).isNull();
    }
}
