package io.enginex.edge.server.testing;

import io.enginex.edge.server.connection.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Channel} that records what was sent and how it was closed. */
public final class RecordingChannel implements Channel {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private volatile Integer closeCode;
    private volatile boolean aborted;
    private volatile boolean failSends;

    public List<String> sent() {
        return sent;
    }

    public Integer closeCode() {
        return closeCode;
    }

    public boolean aborted() {
        return aborted;
    }

    /** Makes every later send fail, as a dead socket would. */
    public void failSends() {
        failSends = true;
    }

    @Override
    public void sendText(String text, Duration timeout) throws IOException {
        if (failSends) {
            throw new IOException("broken pipe");
        }
        sent.add(text);
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    @Override
    public boolean isOpen() {
        return closeCode == null && !aborted;
    }

    @Override
    public String remoteAddress() {
        return "test";
    }
}
