package io.enginex.edge.common.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private boolean test(String condition, String input, String listOutput) throws Exception {
        JsonNode in = mapper.readTree(input);
        Map<String, JsonNode> outputs = Map.of("list", mapper.readTree(listOutput));
        return Condition.parse(condition).test(in, outputs);
    }

    @Test
    void comparesNumbersTextAndJson() throws Exception {
        String out = "{\"count\":3,\"name\":\"b\",\"entries\":[{\"n\":1}],\"empty\":[]}";
        assertThat(test("steps.list.output.count > 2", "{}", out)).isTrue();
        assertThat(test("steps.list.output.count >= 3.0", "{}", out)).isTrue();
        assertThat(test("steps.list.output.count == 3.00", "{}", out)).isTrue();
        assertThat(test("steps.list.output.name < 'c' && steps.list.output.name != \"a\"", "{}", out))
                .isTrue();
        assertThat(test("steps.list.output.entries.0.n == 1", "{}", out)).isTrue();
        assertThat(test("steps.list.output.empty", "{}", out)).isFalse();
        assertThat(test("!steps.list.output.empty || false", "{}", out)).isTrue();
        assertThat(test(
                        "(input.mode == 'full' || input.force) && steps.list.output.count > 0",
                        "{\"force\":true}",
                        out))
                .isTrue();
    }

    @Test
    void missingValuesAreNullAndNeverOrdered() throws Exception {
        assertThat(test("input.nothing == null", "{}", "{}")).isTrue();
        assertThat(test("input.nothing > 0", "{}", "{}")).isFalse();
        assertThat(test("input.nothing < 0", "{}", "{}")).isFalse();
        assertThat(test("input.text > 1", "{\"text\":\"9\"}", "{}")).isFalse();
    }

    @Test
    void syntaxErrorsNameThePosition() {
        assertThatThrownBy(() -> Condition.parse("input.a ==== 1")).hasMessageContaining("at character 11");
        assertThatThrownBy(() -> Condition.parse("input.a && (input.b")).hasMessageContaining("expected \")\"");
        assertThatThrownBy(() -> Condition.parse("exec('rm')")).hasMessageContaining("bad reference \"exec\"");
        assertThatThrownBy(() -> Condition.parse("'open")).hasMessageContaining("is not closed");
        assertThatThrownBy(() -> Condition.parse("!".repeat(40) + "true"))
                .hasMessageContaining("nested deeper than 32");
    }

    @Test
    void referencesAreListed() {
        assertThat(Condition.parse("steps.a.output.x > input.y").references())
                .extracting(Reference::toString)
                .containsExactly("steps.a.output.x", "input.y");
    }
}
