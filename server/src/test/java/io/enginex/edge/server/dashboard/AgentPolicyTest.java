package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.TenantPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentPolicyTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String REPORT = """
            {"machinePolicy":"machine policy /etc/p.json","tenantPolicy":"tenant policy pol_1 (whole tenant)",
             "tools":[{"name":"fs.list","source":"machine policy /etc/p.json"}],
             "commands":[{"name":"erp-export","argv":["erp"],"approvalRequired":false,"source":"m"}],
             "network":[{"target":"erp.corp.internal:443","source":"m"}],
             "blockedTools":[{"name":"fs.read","reason":"the tool fs.read is not in the allowed tools of machine policy /etc/p.json"}]}
            """;

    private static TenantPolicy tenant(String json) throws Exception {
        return new TenantPolicy("pol_1", "tenant", MAPPER.readTree(json), Instant.EPOCH);
    }

    @Test
    void withoutATenantPolicyNothingIsAVeto() {
        AgentPolicy p = AgentPolicy.of(REPORT, List.of(), MAPPER).orElseThrow();

        assertThat(p.vetoes()).isEmpty();
        assertThat(p.tools()).extracting(AgentPolicy.Rule::name).containsExactly("fs.list");
        assertThat(p.machinePolicy()).isEqualTo("machine policy /etc/p.json");
    }

    @Test
    void aTenantPolicyWithoutAToolListAllowsEveryToolSoWhatTheMachineBlocksIsAVeto() throws Exception {
        AgentPolicy p = AgentPolicy.of(REPORT, List.of(tenant("{\"version\":1}")), MAPPER)
                .orElseThrow();

        assertThat(p.vetoes())
                .containsExactly(new AgentPolicy.Veto(
                        "tool",
                        "fs.read",
                        "the tool fs.read is not in the allowed tools of machine policy /etc/p.json"));
    }

    @Test
    void commandsAndHostsTheTenantListsButTheMachineLacksAreVetoes() throws Exception {
        var policy = tenant("""
                {"version":1,"tools":["fs.list","exec"],
                 "commands":[{"name":"erp-export","argv":["erp"]},{"name":"backup","argv":["b"]}],
                 "network":["ERP.corp.internal:443","files.corp.internal:445"]}""");

        AgentPolicy p = AgentPolicy.of(REPORT, List.of(policy), MAPPER).orElseThrow();

        assertThat(p.vetoes())
                .extracting(v -> v.kind() + ":" + v.name())
                .containsExactly("tool:exec", "command:backup", "network:files.corp.internal:445");
    }

    @Test
    void aToolOnlyOneOfTwoApplicablePoliciesAllowsIsNotAVeto() throws Exception {
        var a = tenant("{\"version\":1,\"tools\":[\"fs.list\",\"fs.read\"]}");
        var b = tenant("{\"version\":1,\"tools\":[\"fs.list\"]}");

        assertThat(AgentPolicy.of(REPORT, List.of(a, b), MAPPER).orElseThrow().vetoes())
                .isEmpty();
    }

    @Test
    void noReportOrAnUnreadableOneIsShownAsNotReported() {
        assertThat(AgentPolicy.of(null, List.of(), MAPPER)).isEmpty();
        assertThat(AgentPolicy.of("{not json", List.of(), MAPPER)).isEmpty();
    }
}
