package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.TenantPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantPolicySetTest {
    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final PolicyFile files = new PolicyFile(mapper, FileSystems.getDefault());

    @TempDir
    Path stateDir;

    private TenantPolicy tenant(String id, String scope, String json) throws Exception {
        return new TenantPolicy(id, scope, mapper.readTree(json), Instant.parse("2026-11-26T10:00:00Z"));
    }

    private Policy machine() {
        return files.parse("""
                {"roots":[{"path":"/srv/share","mode":"write"}],
                 "tools":["fs.list","fs.read","fs.write","exec"],
                 "limits":{"concurrency":{"exec":2}},
                 "commands":[{"name":"export","argv":["/bin/echo","{p}"],"params":{"p":{"enum":["a"]}}}]}
                """.getBytes(StandardCharsets.UTF_8), "machine policy m.json");
    }

    @Test
    void aTenantPolicyNarrowsAndTheRulesItRemovedNameIt() throws Exception {
        TenantPolicySet set =
                TenantPolicySet.of(List.of(tenant("pol_1", "tenant", """
                        {"roots":[{"path":"/srv/share/out","mode":"read"}],"tools":["fs.list","exec","fs.delete"],
                         "limits":{"concurrency":{"default":1},"graphBytes":1000,"graphsTotalBytes":1099511627776,
                                   "graphRetentionDays":3},
                         "commands":[{"name":"export","argv":["/bin/false"],"approvalRequired":true}]}
                        """)), files, FileSystems.getDefault(), machine());

        EffectivePolicy effective =
                EffectivePolicy.of(machine(), "machine policy m.json", false, set, Optional.empty(), stateDir);

        assertThat(effective.policy().tools()).containsOnlyKeys("fs.list", "exec");
        assertThat(effective.policy().roots()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo(Path.of("/srv/share/out"));
            assertThat(r.mode()).isEqualTo(AccessMode.READ);
        });
        assertThat(effective.policy().commands().get("export").argv()).containsExactly("/bin/echo", "{p}");
        assertThat(effective.policy().needsApproval("exec:export")).isTrue();
        assertThat(effective.policy().limits().concurrencyOf("exec")).isEqualTo(1);
        assertThat(effective.policy().limits().concurrencyOf("fs.list")).isEqualTo(1);
        assertThat(effective.policy().limits().graphBytes()).isEqualTo(1000);
        assertThat(effective.policy().limits().graphsTotalBytes())
                .as("a tenant policy cannot widen the machine's")
                .isEqualTo(Limits.DEFAULT_GRAPHS_TOTAL_BYTES);
        assertThat(effective.policy().limits().graphRetentionDays())
                .as("a tenant policy shortens the retention")
                .isEqualTo(3);
        assertThat(effective.withoutTool("fs.read")).isEqualTo("tenant policy pol_1 (whole tenant)");
        assertThat(effective.withoutTool("fs.delete")).isEqualTo("machine policy m.json");
        assertThat(effective.withoutTool("fs.list")).isNull();
        assertThat(effective.tenantSource()).contains("tenant policy pol_1 (whole tenant)");
    }

    @Test
    void theMachineDecidesGraphStepsOnlyWhenTheMachineAndTheTenantPolicyBothAllowIt() throws Exception {
        Policy allowing =
                files.parse("{\"localGraphDecisions\":true}".getBytes(StandardCharsets.UTF_8), "machine policy m.json");
        String on = "{\"localGraphDecisions\":true}";
        String silent = "{\"tools\":[\"fs.list\"]}";

        assertThat(refused(allowing, on)).isEmpty();
        assertThat(refused(allowing, silent))
                .as("a tenant policy that leaves it out does not allow it")
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("\"localGraphDecisions\": true in the tenant policy (tenant policy pol_1")
                        .doesNotContain("machine policy m.json"));
        assertThat(refused(machine(), on))
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("\"localGraphDecisions\": true in the machine policy (machine policy m.json)")
                        .doesNotContain("tenant policy pol_1"));
        assertThat(refused(allowing, null))
                .as("without a tenant policy it is not allowed")
                .hasValueSatisfying(m -> assertThat(m).contains("a tenant policy on the hub (it sent none)"));
        assertThat(PolicyDocumentProblems.of(mapper, "{\"localGraphDecisions\":\"yes\"}"))
                .containsExactly("localGraphDecisions must be true or false");
    }

    private Optional<String> refused(Policy machine, String tenantJson) throws Exception {
        TenantPolicySet set = tenantJson == null
                ? TenantPolicySet.NONE
                : TenantPolicySet.of(
                        List.of(tenant("pol_1", "tenant", tenantJson)), files, FileSystems.getDefault(), machine);
        EffectivePolicy effective =
                EffectivePolicy.of(machine, "machine policy m.json", false, set, Optional.empty(), stateDir);
        if (tenantJson != null) {
            assertThat(effective.policy().localGraphDecisions())
                    .as("the intersection allows it exactly when nothing refuses it")
                    .isEqualTo(effective.localGraphDecisionsRefused().isEmpty());
        }
        return effective.localGraphDecisionsRefused();
    }

    /** The hub's check of a tenant policy document. */
    private static final class PolicyDocumentProblems {
        static List<String> of(ObjectMapper mapper, String json) throws Exception {
            return io.enginex.edge.protocol.PolicyDocument.problems(mapper.readTree(json));
        }
    }

    @Test
    void severalLabelPoliciesAllApply() throws Exception {
        TenantPolicySet set = TenantPolicySet.of(
                List.of(
                        tenant("pol_a", "label:team=finance", "{\"tools\":[\"fs.list\",\"fs.read\"]}"),
                        tenant("pol_b", "label:site=berlin", "{\"tools\":[\"fs.list\",\"fs.write\"]}")),
                files,
                FileSystems.getDefault(),
                machine());

        assertThat(set.policy().orElseThrow().tools()).containsOnlyKeys("fs.list");
        assertThat(set.source())
                .isEqualTo("tenant policy pol_a (label team=finance) ∩ tenant policy pol_b (label site=berlin)");
    }

    @Test
    void anUnreadableTenantPolicyDeniesEverythingAndSaysWhy() throws Exception {
        TenantPolicySet set = TenantPolicySet.of(
                List.of(tenant("pol_x", "tenant", "{\"tols\":[]}")), files, FileSystems.getDefault(), machine());

        EffectivePolicy effective =
                EffectivePolicy.of(machine(), "machine policy m.json", false, set, Optional.empty(), stateDir);

        assertThat(effective.policy().tools()).isEmpty();
        assertThat(effective.policy().roots()).isEmpty();
        assertThat(effective.tenantNotes()).singleElement().asString().contains("unknown field \"tols\"");
    }

    @Test
    void rootsOfAnotherOperatingSystemAreLeftOut() throws Exception {
        TenantPolicySet set = TenantPolicySet.of(
                List.of(
                        tenant(
                                "pol_w",
                                "tenant",
                                "{\"roots\":[{\"path\":\"C:\\\\Finance\"},{\"path\":\"/srv/share\"}],\"tools\":[\"fs.list\"]}")),
                files,
                FileSystems.getDefault(),
                machine());

        assertThat(set.policy().orElseThrow().roots())
                .extracting(RootRule::path)
                .containsExactly(Path.of("/srv/share"));
        assertThat(set.notes()).singleElement().asString().contains("C:\\Finance is not a path on this machine");
    }

    @Test
    void whatATenantPolicyLeavesOutDoesNotNarrow() throws Exception {
        TenantPolicySet set = TenantPolicySet.of(
                List.of(tenant("pol_t", "tenant", "{\"tools\":[\"fs.list\",\"exec\"]}")),
                files,
                FileSystems.getDefault(),
                machine());

        EffectivePolicy effective =
                EffectivePolicy.of(machine(), "machine policy m.json", false, set, Optional.empty(), stateDir);

        assertThat(effective.policy().tools()).containsOnlyKeys("fs.list", "exec");
        assertThat(effective.policy().roots()).extracting(RootRule::path).containsExactly(Path.of("/srv/share"));
        assertThat(effective.policy().roots().get(0).mode()).isEqualTo(AccessMode.WRITE);
        assertThat(effective.policy().commands()).containsOnlyKeys("export");
        assertThat(effective.policy().limits().maxReadBytes()).isEqualTo(Limits.DEFAULT.maxReadBytes());
        assertThat(effective.policy().limits().concurrencyOf("exec")).isEqualTo(2);
    }

    @Test
    void noTenantPolicyLeavesTheMachinePolicy() {
        EffectivePolicy effective = EffectivePolicy.of(
                machine(), "machine policy m.json", false, TenantPolicySet.NONE, Optional.empty(), stateDir);
        assertThat(effective.policy().tools()).containsOnlyKeys("fs.list", "fs.read", "fs.write", "exec");
        assertThat(effective.tenantSource()).isEmpty();
    }
}
