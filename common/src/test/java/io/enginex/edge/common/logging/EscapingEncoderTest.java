package io.enginex.edge.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The log formats of hub and agent (a text pattern configured in {@code logback.xml} the way both
 * configure it, and the JSON encoder of {@code --log-format json}) write an event with CR/LF in its
 * message, arguments, key-values and exception message as exactly one line, escaped ({@link
 * LogForgingContract}). Each module checks its own {@code logback.xml} too (the agent's {@code
 * LogbackXmlTest}, the hub's {@code LogForgingIT}).
 */
class EscapingEncoderTest {
    @Test
    void theTextFormatWritesOneEscapedLine() throws Exception {
        LogForgingContract.assertTextFormatEscapes(EscapingEncoderTest.class.getResource("/escaping-text.xml"), "text");
    }

    @Test
    void theJsonFormatWritesOneEscapedObject() throws Exception {
        LoggerContext context = LogForgingContract.context();

        String json = LogForgingContract.encodeHostileEvent(EscapingEncoder.json(context), context);

        assertThat(json.strip().lines()).hasSize(1);
        var node = new ObjectMapper().readTree(json);
        assertThat(node.path("arguments").get(0).asText()).isEqualTo("path\\r\\nFAKE ARG LINE");
        assertThat(node.path("kvpList").get(0).path("message").asText()).isEqualTo("x\\nFAKE KV LINE\\u202E");
    }
}
