package io.enginex.edge.agent.ui;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The running agent's last log lines, kept in memory for its status page (the service's journal is
 * not readable by the agent's own account). Lines are what the log already says: it never holds
 * secrets. Thread-safe.
 */
public final class RecentLog extends AppenderBase<ILoggingEvent> {
    private final int capacity;
    private final ArrayDeque<String> lines;
    private final ReentrantLock lock = new ReentrantLock();

    public RecentLog(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    /** Attaches a started buffer to the root logger; returns it, or an empty one if logback is not in use. */
    public static RecentLog attach(int capacity) {
        RecentLog log = new RecentLog(capacity);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            log.setContext(context);
            log.setName("recent");
            log.start();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(log);
        }
        return log;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder()
                .append(Instant.ofEpochMilli(event.getTimeStamp()))
                .append(' ')
                .append(event.getLevel())
                .append(' ')
                .append(event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                line.append(' ').append(pair.key).append('=').append(pair.value);
            }
        }
        lock.lock();
        try {
            if (lines.size() == capacity) {
                lines.removeFirst();
            }
            lines.addLast(line.toString());
        } finally {
            lock.unlock();
        }
    }

    /** The kept lines, oldest first. */
    public List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }
}
