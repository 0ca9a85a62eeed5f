package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.TenantPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy's {@code secrets}: default deny, exec grants per template, and machine ∩ tenant narrowing only. */
class SecretRulesTest {
    private final PolicyFile files = new PolicyFile(new MessageCodec().mapper(), FileSystems.getDefault());

    private Policy parse(String json) {
        return files.parse(json.getBytes(StandardCharsets.UTF_8), "machine policy m.json");
    }

    @Test
    void aSecretIsAllowedOnlyWhereAToolOrTemplateIsGrantedIt() {
        SecretRules rules = parse("""
                {"secrets":{"http.request":["erp-token"],"exec":["shared"],"exec:export":["erp-db"]}}""").secrets();

        assertThat(rules.allows("http.request", null, "erp-token")).isTrue();
        assertThat(rules.allows("http.request", null, "erp-db")).isFalse();
        assertThat(rules.allows("exec", "export", "erp-db")).isTrue();
        assertThat(rules.allows("exec", "export", "shared")).isTrue();
        assertThat(rules.allows("exec", "other", "erp-db")).isFalse();
        assertThat(rules.allows("fs.read", null, "erp-token")).isFalse();
        assertThat(parse("{}").secrets().allows("http.request", null, "erp-token"))
                .as("default deny")
                .isFalse();
    }

    @Test
    void theEffectiveRulesAreWhatBothGrantAndATenantLeavingThemOutDoesNotNarrow() throws Exception {
        Policy machine = parse("""
                {"tools":["exec","http.request"],
                 "secrets":{"http.request":["a","b"],"exec":["x"],"exec:export":["y"]}}""");
        Policy tenantNarrows = tenant("""
                {"secrets":{"http.request":["b","c"],"exec:export":["x","y","z"],"exec:other":["x"]}}""", machine);
        Policy tenantSilent = tenant("{\"tools\":[\"exec\",\"http.request\"]}", machine);

        SecretRules both = machine.intersect(tenantNarrows).secrets();
        assertThat(both.names("http.request", null)).containsExactly("b");
        assertThat(both.names("exec", "export")).containsExactly("x", "y");
        assertThat(both.names("exec", "other")).containsExactly("x");
        assertThat(both.names("exec", "third"))
                .as("the tenant grants exec as a whole nothing")
                .isEmpty();
        assertThat(machine.intersect(tenantSilent).secrets().names("http.request", null))
                .containsExactly("a", "b");
    }

    private Policy tenant(String json, Policy machine) throws Exception {
        TenantPolicySet set = TenantPolicySet.of(
                List.of(new TenantPolicy(
                        "pol_1", "tenant", new MessageCodec().mapper().readTree(json), Instant.EPOCH)),
                files,
                FileSystems.getDefault(),
                machine);
        assertThat(set.notes()).isEmpty();
        return set.policy().orElseThrow();
    }
}
