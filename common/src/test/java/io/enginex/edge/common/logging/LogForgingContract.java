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
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.slf4j.event.KeyValuePair;

/**
 * One hostile event, with CR/LF and a bidi override in its message argument, a key-value and its
 * exception's message, and the check that a text format writes it as exactly one escaped line (plus
 * the exception's). Shared by this module's {@code EscapingEncoderTest} and each module's test of its
 * own {@code logback.xml}.
 */
public final class LogForgingContract {
    private LogForgingContract() {}

    /** A fresh logger context, as logback makes one at start. */
    public static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    /** The encoder of the appender {@code appender} that {@code logbackXml} configures in {@code context}. */
    @SuppressWarnings("unchecked")
    public static Encoder<ILoggingEvent> encoderOf(LoggerContext context, URL logbackXml, String appender)
            throws JoranException {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(logbackXml);
        return ((OutputStreamAppender<ILoggingEvent>)
                        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(appender))
                .getEncoder();
    }

    /** What {@code encoder} writes for the hostile event. */
    public static String encodeHostileEvent(Encoder<ILoggingEvent> encoder, LoggerContext context) {
        LoggingEvent event = new LoggingEvent(
                "test",
                context.getLogger("io.enginex.edge.test"),
                Level.WARN,
                "tool failed: {}",
                new IllegalStateException("boom\nFAKE EXCEPTION LINE"),
                new Object[] {"path\r\nFAKE ARG LINE"});
        event.addKeyValuePair(new KeyValuePair("message", "x\nFAKE KV LINE\u202E"));
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    /** Checks that the text appender {@code appender} of {@code logbackXml} writes the hostile event escaped. */
    public static void assertTextFormatEscapes(URL logbackXml, String appender) throws JoranException {
        LoggerContext context = context();

        String text = encodeHostileEvent(encoderOf(context, logbackXml, appender), context);

        assertThat(text.lines().filter(l -> l.contains("FAKE"))).hasSize(2); // the event line and the exception's
        assertThat(text.lines()).noneMatch(l -> l.startsWith("FAKE"));
        assertThat(text)
                .contains("path\\r\\nFAKE ARG LINE")
                .contains("x\\nFAKE KV LINE\\u202E")
                .contains("boom\\nFAKE EXCEPTION LINE");
    }
}
