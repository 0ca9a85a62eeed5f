package io.enginex.edge.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import io.enginex.edge.common.logging.EscapingEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what the hub logs in this JVM, encoded exactly as {@code engine serve} writes it: the
 * text encoder is the one {@code logback.xml} (the production configuration, not the test one)
 * builds, the JSON encoder the one {@code --log-format json} uses. Lowers the hub's log level to
 * INFO while open. Not for tests that run in parallel with each other.
 */
public final class CapturedLog implements AutoCloseable {
    private static final String HUB_LOGGER = "io.enginex.edge.server";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Logger root;
    private final Logger hub;
    private final Level hubLevel;

    private CapturedLog(Encoder<ILoggingEvent> encoder) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        hub = context.getLogger(HUB_LOGGER);
        hubLevel = hub.getLevel();
        appender.setContext(context);
        appender.setName("captured-" + System.identityHashCode(this));
        appender.setEncoder(encoder);
        appender.setOutputStream(bytes);
        appender.start();
        root.addAppender(appender);
        hub.setLevel(Level.INFO);
    }

    /** The text format of the production {@code logback.xml}. */
    public static CapturedLog text() {
        LoggerContext production = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(production);
        try {
            configurator.doConfigure(CapturedLog.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("logback.xml does not configure: " + e.getMessage(), e);
        }
        var console = (OutputStreamAppender<ILoggingEvent>)
                production.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
        return new CapturedLog(console.getEncoder());
    }

    /** The JSON format of {@code engine serve --log-format json}. */
    public static CapturedLog json() {
        return new CapturedLog(EscapingEncoder.json(new LoggerContext()));
    }

    /** Every line written so far. */
    public List<String> lines() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The lines that contain {@code text}. */
    public List<String> linesWith(String text) {
        return lines().stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        hub.setLevel(hubLevel);
    }
}
