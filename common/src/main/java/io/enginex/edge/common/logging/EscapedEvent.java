package io.enginex.edge.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.enginex.edge.protocol.Printable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * A read-only view of a logging event in which every text that may carry untrusted input (the
 * message, its arguments, every key-value pair, MDC values, the thread name and exception messages)
 * is {@link Printable#escape escaped}. Numbers and booleans in key-value pairs stay what they are.
 */
final class EscapedEvent implements ILoggingEvent {
    private final ILoggingEvent event;

    EscapedEvent(ILoggingEvent event) {
        this.event = event;
    }

    @Override
    public String getThreadName() {
        return Printable.escape(event.getThreadName());
    }

    @Override
    public Level getLevel() {
        return event.getLevel();
    }

    @Override
    public String getMessage() {
        return Printable.escape(event.getMessage());
    }

    @Override
    public Object[] getArgumentArray() {
        Object[] args = event.getArgumentArray();
        if (args == null) {
            return null;
        }
        Object[] escaped = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            escaped[i] = escapeValue(args[i]);
        }
        return escaped;
    }

    @Override
    public String getFormattedMessage() {
        return Printable.escape(event.getFormattedMessage());
    }

    @Override
    public String getLoggerName() {
        return event.getLoggerName();
    }

    @Override
    public LoggerContextVO getLoggerContextVO() {
        return event.getLoggerContextVO();
    }

    @Override
    public IThrowableProxy getThrowableProxy() {
        IThrowableProxy proxy = event.getThrowableProxy();
        return proxy == null ? null : new EscapedThrowable(proxy);
    }

    @Override
    public StackTraceElement[] getCallerData() {
        return event.getCallerData();
    }

    @Override
    public boolean hasCallerData() {
        return event.hasCallerData();
    }

    @Override
    public List<Marker> getMarkerList() {
        return event.getMarkerList();
    }

    @Override
    public Map<String, String> getMDCPropertyMap() {
        return escapeMap(event.getMDCPropertyMap());
    }

    @Override
    @SuppressWarnings("deprecation")
    public Map<String, String> getMdc() {
        return escapeMap(event.getMdc());
    }

    @Override
    public long getTimeStamp() {
        return event.getTimeStamp();
    }

    @Override
    public int getNanoseconds() {
        return event.getNanoseconds();
    }

    @Override
    public long getSequenceNumber() {
        return event.getSequenceNumber();
    }

    @Override
    public List<KeyValuePair> getKeyValuePairs() {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null) {
            return null;
        }
        return pairs.stream()
                .map(p -> new KeyValuePair(Printable.escape(p.key), escapeValue(p.value)))
                .toList();
    }

    @Override
    public void prepareForDeferredProcessing() {
        event.prepareForDeferredProcessing();
    }

    private static Object escapeValue(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return Printable.escape(String.valueOf(value));
    }

    private static Map<String, String> escapeMap(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return map;
        }
        Map<String, String> escaped = new LinkedHashMap<>();
        map.forEach((k, v) -> escaped.put(Printable.escape(k), Printable.escape(v)));
        return escaped;
    }

    /** An exception whose message (and its causes' and suppressed exceptions' messages) is escaped. */
    private record EscapedThrowable(IThrowableProxy proxy) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return Printable.escape(proxy.getMessage());
        }

        @Override
        public String getOverridingMessage() {
            return Printable.escape(proxy.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            IThrowableProxy cause = proxy.getCause();
            return cause == null ? null : new EscapedThrowable(cause);
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            if (suppressed == null) {
                return null;
            }
            IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
            for (int i = 0; i < suppressed.length; i++) {
                escaped[i] = new EscapedThrowable(suppressed[i]);
            }
            return escaped;
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
