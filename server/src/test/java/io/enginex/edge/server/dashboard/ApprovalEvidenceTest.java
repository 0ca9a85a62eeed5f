package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.testing.JsonNodes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApprovalEvidenceTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Instant now = Instant.parse("2026-11-26T10:00:00Z");

    private Agent agent(String tools) {
        return new Agent(
                "agt_1",
                "acme",
                "k",
                "lt-4711",
                "Linux",
                "amd64",
                "0.1.0",
                List.of("finance"),
                tools,
                null,
                now,
                null,
                null,
                null);
    }

    private Job job(String tool, String args) {
        return Job.created(
                "job_1",
                "acme",
                "ses_1",
                "agt_1",
                tool,
                JsonNodes.parse(args),
                JobState.AWAITING_APPROVAL,
                now,
                now.plusSeconds(600));
    }

    @Test
    void aToolApprovedForEveryCallIsNamedWithItsMachine() {
        var agent = agent("[{\"name\":\"fs.write\",\"approval\":{\"required\":true}}]");

        var e = ApprovalEvidence.of(
                job("fs.write", "{\"path\":\"q3.csv\",\"content\":\"x\"}"),
                agent,
                "it@acme.example",
                "month end",
                Optional.empty(),
                mapper);

        assertThat(e.rule()).contains("lt-4711").contains("every call of fs.write");
        assertThat(e.ruleCurrent()).isTrue();
        assertThat(e.argsJson()).contains("\"path\" : \"q3.csv\"");
        assertThat(e.hostname()).isEqualTo("lt-4711");
        assertThat(e.requestedBy()).isEqualTo("it@acme.example");
    }

    @Test
    void anExecTemplateIsNamed() {
        var agent = agent("[{\"name\":\"exec\",\"approval\":{\"required\":false,\"templates\":[\"erp-export\"]}}]");

        var e = ApprovalEvidence.of(
                job("exec", "{\"command\":\"erp-export\",\"params\":{}}"),
                agent,
                "key_1",
                null,
                Optional.empty(),
                mapper);

        assertThat(e.rule()).contains("command template erp-export of exec");
    }

    @Test
    void aRuleTheAgentNoLongerAnnouncesIsSaidToBeGone() {
        var agent = agent("[{\"name\":\"exec\",\"approval\":{\"required\":false,\"templates\":[\"other\"]}}]");

        var e = ApprovalEvidence.of(
                job("exec", "{\"command\":\"erp-export\"}"), agent, "key_1", null, Optional.empty(), mapper);

        assertThat(e.ruleCurrent()).isFalse();
        assertThat(e.rule()).contains("no longer announces");
    }

    @Test
    void aTenantPolicyThatAskedForApprovalIsNamedNotTheMachinePolicy() {
        var agent = agent("[{\"name\":\"fs.write\",\"approval\":{\"required\":true}}]");

        var e = ApprovalEvidence.of(
                job("fs.write", "{\"path\":\"q3.csv\",\"content\":\"x\"}"),
                agent,
                "it@acme.example",
                null,
                Optional.of("tenant policy pol_1 (label team=finance)"),
                mapper);

        assertThat(e.rule())
                .startsWith("The tenant policy pol_1 (label team=finance) requires")
                .doesNotContain("machine policy");
        assertThat(e.ruleCurrent()).isTrue();
    }
}
