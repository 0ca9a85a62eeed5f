package io.enginex.edge.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ToolRulesTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private ToolRules rules(String json) throws Exception {
        return ToolRules.parse(mapper.readTree(json));
    }

    @Test
    void denyWinsAnAllowListNarrowsAndARoleWithoutRulesSeesEverything() throws Exception {
        ToolRules r = rules("""
                {"roles": {"viewer": {"allow": ["sys.*", "*__fs_list"]},
                           "operator": {"allow": ["fs.*"], "deny": ["fs.write", "laptop-9__*"]}}}""");

        assertThat(r.allows(Role.VIEWER, "sys.info", "laptop-7__sys_info")).isTrue();
        assertThat(r.allows(Role.VIEWER, "fs.list", "laptop-7__fs_list"))
                .as("by its MCP name")
                .isTrue();
        assertThat(r.allows(Role.VIEWER, "fs.read", "laptop-7__fs_read")).isFalse();
        assertThat(r.allows(Role.OPERATOR, "fs.read", "laptop-7__fs_read")).isTrue();
        assertThat(r.allows(Role.OPERATOR, "fs.write", "laptop-7__fs_write")).isFalse();
        assertThat(r.allows(Role.OPERATOR, "fs.read", "laptop-9__fs_read"))
                .as("deny by agent")
                .isFalse();
        assertThat(r.allows(Role.OPERATOR, "exec", "laptop-7__exec"))
                .as("not allowed")
                .isFalse();
        assertThat(r.allows(Role.ADMIN, "exec", "laptop-7__exec"))
                .as("no rules for admin")
                .isTrue();
        assertThat(ToolRules.NONE.allows(Role.VIEWER, "exec", "laptop-7__exec")).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "fs.?ead, fs.read, true",
        "fs.?ead, fs.rread, false",
        "fs.read, fsxread, false",
        "*, anything.at_all, true",
        "sys.*, sys, false"
    })
    void wildcardsAreTheOnlySpecialCharacters(String pattern, String tool, boolean allowed) throws Exception {
        ToolRules r = rules("{\"roles\": {\"viewer\": {\"allow\": [\"" + pattern + "\"]}}}");

        assertThat(r.allows(Role.VIEWER, tool, "host__other")).isEqualTo(allowed);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[]",
                "{\"role\": {}}",
                "{\"roles\": []}",
                "{\"roles\": {\"platform-admin\": {}}}",
                "{\"roles\": {\"guest\": {}}}",
                "{\"roles\": {\"viewer\": []}}",
                "{\"roles\": {\"viewer\": {\"permit\": []}}}",
                "{\"roles\": {\"viewer\": {\"allow\": \"fs.*\"}}}",
                "{\"roles\": {\"viewer\": {\"allow\": [\"\"]}}}",
                "{\"roles\": {\"viewer\": {\"allow\": [\"fs.(read)\"]}}}",
                "{\"roles\": {\"viewer\": {\"deny\": [7]}}}"
            })
    void aBadDocumentIsRefusedNamingTheFix(String json) throws Exception {
        JsonNode doc = mapper.readTree(json);

        assertThatThrownBy(() -> ToolRules.parse(doc))
                .isInstanceOfSatisfying(
                        HubException.BadRequest.class, e -> assertThat(e.code()).isEqualTo("invalid_tool_rules"))
                .hasMessageMatching(".*(must|unknown|not a|use ).*");
    }

    @Test
    void tooManyPatternsAreRefused() {
        var doc = mapper.createObjectNode();
        var allow = doc.putObject("roles").putObject("viewer").putArray("allow");
        for (int i = 0; i <= ToolRules.MAX_PATTERNS; i++) {
            allow.add("t" + i);
        }

        assertThatThrownBy(() -> ToolRules.parse(doc)).hasMessageContaining("at most " + ToolRules.MAX_PATTERNS);
    }

    @Test
    void theDocumentReadsBackAsItWasGiven() throws Exception {
        String json = "{\"roles\":{\"operator\":{\"deny\":[\"exec\"]},\"viewer\":{\"allow\":[\"sys.*\"]}}}";

        assertThat(rules(json).document(mapper)).isEqualTo(mapper.readTree(json));
    }
}
