package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.PolicyDocument;
import io.enginex.edge.protocol.TenantPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code consentRequired}: read from either policy, and required when either side requires it. */
class ConsentRequiredTest {
    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final PolicyFile files = new PolicyFile(mapper, FileSystems.getDefault());

    @TempDir
    Path stateDir;

    private Policy machine(String consent) {
        return files.parse(("""
                {"tools":["fs.list","app.open","desktop.notify"],"urls":["https://intranet.example.com/"]%s}
                """.formatted(consent)).getBytes(StandardCharsets.UTF_8), "machine policy m.json");
    }

    private EffectivePolicy effective(Policy machine, String tenantJson) throws Exception {
        TenantPolicySet set = TenantPolicySet.of(
                List.of(new TenantPolicy("pol_1", "tenant", mapper.readTree(tenantJson), Instant.EPOCH)),
                files,
                FileSystems.getDefault(),
                machine);
        return EffectivePolicy.of(machine, "machine policy m.json", false, set, Optional.empty(), stateDir);
    }

    @Test
    void consentRequiredByTheTenantOnlyIsRequired() throws Exception {
        EffectivePolicy effective = effective(machine(""), """
                {"tools":["fs.list","app.open"],"consentRequired":["app.open"]}""");

        assertThat(effective.policy().needsConsent("app.open")).isTrue();
        assertThat(effective.policy().needsConsent("fs.list")).isFalse();
        assertThat(effective.policy().consentRequired().get("app.open")).contains("pol_1");
        assertThat(effective
                        .toJson()
                        .path("consentRequired")
                        .get(0)
                        .path("name")
                        .asText())
                .isEqualTo("app.open");
    }

    @Test
    void aTenantPolicyCannotDropTheMachinesConsent() throws Exception {
        // The tenant leaves consentRequired out, and names it empty: neither removes the machine's mark.
        Policy machine = machine(",\"consentRequired\":[\"desktop.notify\"]");

        assertThat(effective(machine, "{\"tools\":[\"desktop.notify\"]}")
                        .policy()
                        .needsConsent("desktop.notify"))
                .isTrue();
        assertThat(effective(machine, "{\"consentRequired\":[]}").policy().needsConsent("desktop.notify"))
                .isTrue();
        assertThat(effective(machine, "{\"consentRequired\":[]}").describe())
                .anySatisfy(line -> assertThat(line).contains("desktop.notify", "machine policy m.json"));
    }

    @Test
    void aBadNameIsRefusedAlikeOnTheAgentAndTheHub() {
        assertThatThrownBy(() -> machine(",\"consentRequired\":[\"not a tool\"]"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("consentRequired");
        assertThat(PolicyDocument.problems(mapper.createObjectNode()
                        .set("consentRequired", mapper.createArrayNode().add("not a tool"))))
                .singleElement()
                .asString()
                .contains("consentRequired[]");
    }
}
