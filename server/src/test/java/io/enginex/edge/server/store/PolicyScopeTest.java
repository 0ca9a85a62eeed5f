package io.enginex.edge.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyScopeTest {
    @Test
    void scopesParseAndCoverTheirAgents() {
        PolicyScope tenant = PolicyScope.parse("tenant");
        PolicyScope label = PolicyScope.parse("label:team=finance");
        PolicyScope agent = PolicyScope.parse("agent:agt_01abc");

        assertThat(List.of(tenant.wire(), label.wire(), agent.wire()))
                .containsExactly("tenant", "label:team=finance", "agent:agt_01abc");
        assertThat(tenant.covers("agt_x", List.of())).isTrue();
        assertThat(label.covers("agt_x", List.of("site=berlin", "team=finance")))
                .isTrue();
        assertThat(label.covers("agt_x", List.of("team=finance-eu"))).isFalse();
        assertThat(agent.covers("agt_01abc", List.of())).isTrue();
        assertThat(agent.covers("agt_01abd", List.of())).isFalse();
        assertThat(agent.specificity()).isGreaterThan(label.specificity());
        assertThat(label.specificity()).isGreaterThan(tenant.specificity());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "everyone", "label:", "label:two words", "agent:", "agent:agt/../x", "tenant:acme"})
    void badScopesAreRefusedNamingTheForms(String text) {
        assertThatThrownBy(() -> PolicyScope.parse(text)).isInstanceOfSatisfying(HubException.BadRequest.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_scope");
            assertThat(e.getMessage()).contains("label:LABEL").contains("agent:AGENT_ID");
        });
    }
}
