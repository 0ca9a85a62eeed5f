package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.graph.HubApprovals;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.policy.TenantPolicySet;
import io.enginex.edge.agent.ui.GraphStarter;
import io.enginex.edge.protocol.GraphDecisionOutcome;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.TenantPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decision at the machine while the agent runs: refused, naming the policy key, unless the machine and the
 * tenant policy both allow it (and then the run thread is never asked); else handed to the run thread with
 * the account as {@code local:ACCOUNT}; audited either way.
 */
class LocalDecisionsTest {
    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final PolicyFile files = new PolicyFile(mapper, FileSystems.getDefault());
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<String> told = new CopyOnWriteArrayList<>();

    @TempDir
    Path state;

    private EffectivePolicy policy(boolean machine, boolean tenant) throws Exception {
        var machinePolicy = files.parse(
                ("{\"localGraphDecisions\":" + machine + "}").getBytes(StandardCharsets.UTF_8),
                "machine policy m.json");
        TenantPolicySet tenants = TenantPolicySet.of(
                List.of(new TenantPolicy(
                        "pol_1",
                        "tenant",
                        mapper.readTree("{\"localGraphDecisions\":" + tenant + "}"),
                        Instant.parse("2026-12-05T10:00:00Z"))),
                files,
                FileSystems.getDefault(),
                machinePolicy);
        return EffectivePolicy.of(machinePolicy, "machine policy m.json", false, tenants, Optional.empty(), state);
    }

    private LocalDecisions decisions(EffectivePolicy policy) {
        return new LocalDecisions(
                () -> policy,
                (run, step, decision) -> {
                    asked.add(run + " " + step + " " + decision.approved() + " " + decision.by());
                    return CompletableFuture.completedFuture(new HubApprovals.Applied(
                            GraphDecisionOutcome.APPLIED, "approved by " + decision.by(), true));
                },
                new AuditLog(
                        state, 1 << 20, 2, Clock.fixed(Instant.parse("2026-12-05T11:00:00Z"), ZoneOffset.UTC), mapper),
                (run, step) -> told.add(run + " " + step));
    }

    private List<JsonNode> audit() throws Exception {
        return Files.readAllLines(state.resolve(AuditLog.FILE)).stream()
                .map(l -> {
                    try {
                        return mapper.readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    @Test
    void aDecisionThePolicyDoesNotAllowIsRefusedNamingTheKeyAndAudited() throws Exception {
        GraphStarter.Decided decided = decisions(policy(true, false)).decide("run_1", "pay", true, null, "ana", "cli");

        assertThat(decided.outcome()).isEqualTo(GraphStarter.Decided.NOT_ALLOWED);
        assertThat(decided.message()).contains("\"localGraphDecisions\": true in the tenant policy");
        assertThat(asked).as("the run thread is not asked").isEmpty();
        assertThat(told).isEmpty();
        assertThat(audit()).singleElement().satisfies(line -> {
            assertThat(line.path("event").asText()).isEqualTo("graph.decide");
            assertThat(line.path("by").asText()).isEqualTo("local:ana");
            assertThat(line.path("via").asText()).isEqualTo("cli");
            assertThat(line.path("outcome").asText()).isEqualTo("not_allowed");
        });
    }

    @Test
    void anAllowedDecisionIsAppliedOnTheRunThreadAsTheLocalAccountAndAudited() throws Exception {
        GraphStarter.Decided decided =
                decisions(policy(true, true)).decide("run_1", "pay", false, "not today", "ana", "cli");

        assertThat(decided.outcome()).isEqualTo(GraphDecisionOutcome.APPLIED);
        assertThat(asked).containsExactly("run_1 pay false local:ana");
        assertThat(told).as("the hub is told").containsExactly("run_1 pay");
        assertThat(audit()).singleElement().satisfies(line -> {
            assertThat(line.path("run").asText()).isEqualTo("run_1");
            assertThat(line.path("step").asText()).isEqualTo("pay");
            assertThat(line.path("decision").asText()).isEqualTo("denied");
            assertThat(line.path("outcome").asText()).isEqualTo("applied");
        });
    }
}
