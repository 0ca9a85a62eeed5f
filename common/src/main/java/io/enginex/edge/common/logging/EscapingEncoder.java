package io.enginex.edge.common.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Wraps a log encoder of the hub or the agent (the text pattern of their {@code logback.xml}, or the
 * JSON encoder of {@code --log-format json}) so that every event it writes is an {@link
 * EscapedEvent}: a hostname, path, email or error message with CR/LF or other control characters
 * cannot start a forged log line, whichever call site logged it. Configured in {@code logback.xml}:
 *
 * <pre>{@code
 * <encoder class="io.enginex.edge.common.logging.EscapingEncoder">
 *   <encoder class="ch.qos.logback.classic.encoder.PatternLayoutEncoder"><pattern>…</pattern></encoder>
 * </encoder>
 * }</pre>
 *
 * <p>Thread-safe as far as the wrapped encoder is (logback's appenders call it under their lock).
 */
public final class EscapingEncoder extends ContextAwareBase implements Encoder<ILoggingEvent> {
    private Encoder<ILoggingEvent> encoder;
    private boolean started;

    public EscapingEncoder() {}

    /** Wraps {@code encoder}, which must already have its context. */
    public EscapingEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /**
     * The JSON format ({@code --log-format json}): logback's {@link JsonEncoder}, one object per line,
     * behind the same escaping as the text format. Started.
     */
    public static EscapingEncoder json(Context context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.start();
        EscapingEncoder escaping = new EscapingEncoder(json);
        escaping.setContext(context);
        escaping.start();
        return escaping;
    }

    /** The encoder that writes the escaped events (set by logback's configurator). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    @Override
    public byte[] headerBytes() {
        return encoder.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return encoder.encode(new EscapedEvent(event));
    }

    @Override
    public byte[] footerBytes() {
        return encoder.footerBytes();
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("EscapingEncoder needs a nested <encoder class=\"…\"> that writes the escaped events");
            return;
        }
        if (!encoder.isStarted()) {
            encoder.start();
        }
        started = true;
    }

    @Override
    public void stop() {
        if (encoder != null) {
            encoder.stop();
        }
        started = false;
    }

    @Override
    public boolean isStarted() {
        return started;
    }
}
