package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The agent's {@code logback.xml} (its text format, as it runs) writes an event with CR/LF in its
 * message, arguments, key-values and exception message as exactly one line, escaped. The encoder
 * itself and the JSON format are tested in the common module ({@code EscapingEncoderTest}).
 */
class LogbackXmlTest {
    @Test
    void theTextFormatOfLogbackXmlWritesOneEscapedLine() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogbackXmlTest.class.getResource("/logback.xml"));
        var appender = (OutputStreamAppender<ILoggingEvent>)
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("text");
        LoggingEvent event = new LoggingEvent(
                "test",
                context.getLogger("io.enginex.edge.agent.test"),
                Level.WARN,
                "tool failed: {}",
                new IllegalStateException("boom\nFAKE EXCEPTION LINE"),
                new Object[] {"path\r\nFAKE ARG LINE"});
        event.addKeyValuePair(new KeyValuePair("message", "x\nFAKE KV LINE\u202E"));

        String text = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);

        assertThat(text.lines().filter(l -> l.contains("FAKE"))).hasSize(2); // the event line and the exception's
        assertThat(text.lines()).noneMatch(l -> l.startsWith("FAKE"));
        assertThat(text)
                .contains("path\\r\\nFAKE ARG LINE")
                .contains("x\\nFAKE KV LINE\\u202E")
                .contains("boom\\nFAKE EXCEPTION LINE");
    }
}
