package io.enginex.edge.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.JsonNodes;
import org.junit.jupiter.api.Test;

class ToolCatalogueTest {
    private static final String TOOLS = """
            [{"name":"fs.read","title":"Read","inputSchema":{"type":"object"},"risk":"low"},
             {"title":"nameless"},
             {"name":"exec","inputSchema":{},"risk":"high","approval":{"required":false,"templates":["erp"]}},
             {"name":"vault.put","inputSchema":{},"approval":{"required":true}}]""";

    @Test
    void descriptorsAreReadOnceIntoTypedToolsSkippingNamelessOnes() {
        ToolCatalogue catalogue = ToolCatalogue.parse(TOOLS);

        assertThat(catalogue.readable()).isTrue();
        assertThat(catalogue.names()).containsExactly("fs.read", "exec", "vault.put");
        var read = catalogue.find("fs.read").orElseThrow();
        assertThat(read.title()).isEqualTo("Read");
        assertThat(read.inputSchema().path("type").asText()).isEqualTo("object");
        assertThat(read.approval()).isNull();
        assertThat(catalogue.find("exec").orElseThrow().title()).isEqualTo("exec");
        assertThat(catalogue.json().size()).isEqualTo(4); // as stored, for the API
    }

    @Test
    void approvalRulesAreAnsweredPerCall() {
        ToolCatalogue catalogue = ToolCatalogue.parse(TOOLS);
        var exec = catalogue.find("exec").orElseThrow();

        assertThat(exec.needsApproval(JsonNodes.parse("{\"command\":\"erp\"}"))).isTrue();
        assertThat(exec.needsApproval(JsonNodes.parse("{\"command\":\"backup\"}")))
                .isFalse();
        assertThat(exec.needsApproval(JsonNodes.parse("{}"))).isFalse();
        assertThat(catalogue.find("vault.put").orElseThrow().needsApproval(JsonNodes.parse("{}")))
                .isTrue();
        assertThat(catalogue.find("fs.read").orElseThrow().needsApproval(JsonNodes.parse("{}")))
                .isFalse();
    }

    @Test
    void unreadableTextIsAnEmptyCatalogueSaidToBeUnreadable() {
        ToolCatalogue catalogue = ToolCatalogue.parse("not json");

        assertThat(catalogue.readable()).isFalse();
        assertThat(catalogue.tools()).isEmpty();
        assertThat(ToolCatalogue.parse(null).tools()).isEmpty();
        assertThat(ToolCatalogue.parse("[]").readable()).isTrue();
    }

    @Test
    void anAgentCarriesItsParsedCatalogue() {
        Agent agent =
                new Agent("agt_1", "acme", "k", "h", "Linux", "amd64", "1", null, TOOLS, null, null, null, null, null);

        assertThat(agent.tools().names()).containsExactly("fs.read", "exec", "vault.put");
        assertThat(agent.toolsJson()).isEqualTo(TOOLS);
    }
}
