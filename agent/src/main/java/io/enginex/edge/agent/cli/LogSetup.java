package io.enginex.edge.agent.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.enginex.edge.common.logging.EscapingEncoder;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code --log-format} and {@code --log-level} to logback. The text format comes from {@code
 * logback.xml} (stderr, timestamp, level, logger, message, key-values); JSON swaps in logback's
 * JsonEncoder, one object per line, for log shippers. Both escape control characters in messages and
 * key-values ({@link EscapingEncoder}), so no text from the hub or a tool forges a log line.
 */
final class LogSetup {
    enum Format {
        text,
        json
    }

    private LogSetup() {}

    static void apply(Format format, String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend: it has its own configuration
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        if (format == Format.json) {
            EscapingEncoder encoder = EscapingEncoder.json(context);
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setContext(context);
            appender.setName("json");
            appender.setTarget("System.err");
            appender.setEncoder(encoder);
            appender.start();
            root.detachAndStopAllAppenders();
            root.addAppender(appender);
        }
    }
}
