package io.enginex.edge.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The log formats of hub and agent (a text pattern configured in {@code logback.xml} the way both
 * configure it, and the JSON encoder of {@code --log-format json}) write an event with CR/LF in its
 * message, arguments, key-values and exception message as exactly one line, escaped. Each module
 * checks its own {@code logback.xml} too (the agent's {@code LogbackXmlTest}, the hub's {@code
 * LogForgingIT}).
 */
class EscapingEncoderTest {
    private static LoggingEvent hostileEvent(LoggerContext context) {
        LoggingEvent event = new LoggingEvent(
                "test",
                context.getLogger("io.enginex.edge.test"),
                Level.WARN,
                "tool failed: {}",
                new IllegalStateException("boom\nFAKE EXCEPTION LINE"),
                new Object[] {"path\r\nFAKE ARG LINE"});
        event.addKeyValuePair(new KeyValuePair("message", "x\nFAKE KV LINE\u202E"));
        return event;
    }

    private static String encode(Encoder<ILoggingEvent> encoder, LoggerContext context) {
        return new String(encoder.encode(hostileEvent(context)), StandardCharsets.UTF_8);
    }

    @Test
    void theTextFormatWritesOneEscapedLine() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(EscapingEncoderTest.class.getResource("/escaping-text.xml"));
        var appender = (OutputStreamAppender<ILoggingEvent>)
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("text");

        String text = encode(appender.getEncoder(), context);

        assertThat(text.lines().filter(l -> l.contains("FAKE"))).hasSize(2); // the event line and the exception's
        assertThat(text.lines()).noneMatch(l -> l.startsWith("FAKE"));
        assertThat(text)
                .contains("path\\r\\nFAKE ARG LINE")
                .contains("x\\nFAKE KV LINE\\u202E")
                .contains("boom\\nFAKE EXCEPTION LINE");
    }

    @Test
    void theJsonFormatWritesOneEscapedObject() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());

        String json = encode(EscapingEncoder.json(context), context);

        assertThat(json.strip().lines()).hasSize(1);
        var node = new ObjectMapper().readTree(json);
        assertThat(node.path("arguments").get(0).asText()).isEqualTo("path\\r\\nFAKE ARG LINE");
        assertThat(node.path("kvpList").get(0).path("message").asText()).isEqualTo("x\\nFAKE KV LINE\\u202E");
    }
}
