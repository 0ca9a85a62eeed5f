package io.enginex.edge.server.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.enginex.edge.common.logging.EscapingEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches the console log between logback.xml's text pattern and one JSON object per line; both
 * escape control characters in untrusted text ({@link EscapingEncoder}).
 */
final class LogFormat {
    private LogFormat() {}

    static void apply(String format) {
        if (!"json".equals(format)) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender("CONSOLE") instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(EscapingEncoder.json(context));
            console.start();
        }
    }
}
