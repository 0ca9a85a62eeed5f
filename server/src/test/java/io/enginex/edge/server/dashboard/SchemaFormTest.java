package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaFormTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode schema() throws Exception {
        return MAPPER.readTree("""
                {"type":"object","required":["path","mode"],"properties":{
                  "recursive":{"type":"boolean","description":"walk down"},
                  "path":{"type":"string","description":"where"},
                  "limit":{"type":"integer","default":100},
                  "ratio":{"type":"number"},
                  "mode":{"type":"string","enum":["text","base64"]},
                  "globs":{"type":"array","items":{"type":"string"}},
                  "headers":{"type":"object"}}}""");
    }

    @Test
    void fieldsFollowTheSchemaRequiredFirst() throws Exception {
        var fields = SchemaForm.fields(schema());
        assertThat(fields)
                .extracting(SchemaForm.Field::name)
                .containsExactly("path", "mode", "recursive", "limit", "ratio", "globs", "headers");
        assertThat(fields)
                .extracting(SchemaForm.Field::kind)
                .containsExactly(
                        SchemaForm.Kind.TEXT,
                        SchemaForm.Kind.ENUM,
                        SchemaForm.Kind.BOOLEAN,
                        SchemaForm.Kind.INTEGER,
                        SchemaForm.Kind.NUMBER,
                        SchemaForm.Kind.LINES,
                        SchemaForm.Kind.JSON);
        assertThat(fields.get(1).options()).containsExactly("text", "base64");
        assertThat(fields.get(3).defaultValue()).isEqualTo("100");
        assertThat(fields.get(0).required()).isTrue();
        assertThat(fields.get(2).description()).isEqualTo("walk down");
    }

    @Test
    void formBecomesTypedArgumentsLeavingOutEmptyOptionalFields() throws Exception {
        var args = SchemaForm.args(
                schema(),
                Map.of(
                        "arg.path", List.of(" reports "),
                        "arg.mode", List.of("text"),
                        "arg.recursive", List.of("true"),
                        "arg.limit", List.of("7"),
                        "arg.ratio", List.of(""),
                        "arg.globs", List.of("*.csv\n\n*.txt\n"),
                        "arg.headers", List.of("{\"a\": 1}")),
                MAPPER);
        assertThat(args.toString())
                .isEqualTo("{\"path\":\"reports\",\"mode\":\"text\",\"recursive\":true,\"limit\":7,"
                        + "\"globs\":[\"*.csv\",\"*.txt\"],\"headers\":{\"a\":1}}");
    }

    @Test
    void missingRequiredAndMistypedValuesAreRefusedByName() throws Exception {
        JsonNode schema = schema();
        assertThatThrownBy(() -> SchemaForm.args(schema, Map.of("arg.mode", List.of("text")), MAPPER))
                .isInstanceOf(HubException.BadRequest.class)
                .hasMessageContaining("path is required");
        assertThatThrownBy(() -> SchemaForm.args(
                        schema,
                        Map.of("arg.path", List.of("."), "arg.mode", List.of("text"), "arg.limit", List.of("ten")),
                        MAPPER))
                .hasMessageContaining("limit must be a whole number");
        assertThatThrownBy(() ->
                        SchemaForm.args(schema, Map.of("arg.path", List.of("."), "arg.mode", List.of("zip")), MAPPER))
                .hasMessageContaining("mode must be one of text, base64");
        assertThatThrownBy(() -> SchemaForm.args(
                        schema,
                        Map.of("arg.path", List.of("."), "arg.mode", List.of("text"), "arg.headers", List.of("{")),
                        MAPPER))
                .hasMessageContaining("headers must be JSON");
    }

    @Test
    void signInRedirectStaysOnTheDashboard() {
        assertThat(SignInPages.next("/ui/sessions/ses_1")).isEqualTo("/ui/sessions/ses_1");
        for (String evil : new String[] {
            null,
            "https://evil.example",
            "//evil.example",
            "/ui//evil",
            "/ui/\\evil",
            "/api/v1/tenants",
            "/ui/login?next=x",
            "/ui/a\nb"
        }) {
            assertThat(SignInPages.next(evil)).as(String.valueOf(evil)).isEqualTo("/ui/fleet");
        }
    }
}
