package io.enginex.edge.server.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** A {@link Channel} over a Jetty WebSocket session. */
public final class JettyChannel implements Channel {
    private final Session session;
    private final String client;

    /**
     * @param client the client's address as the upgrade request resolved it ({@code
     *     TrustedProxies.clientAddress}: behind a trusted balancer, the client's, not the balancer's)
     */
    public JettyChannel(Session session, String client) {
        this.session = session;
        this.client = client;
    }

    @Override
    public void sendText(String text, Duration timeout) throws IOException {
        Callback.Completable done = new Callback.Completable();
        session.sendText(text, done);
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending to " + remoteAddress());
        } catch (ExecutionException e) {
            throw new IOException(
                    "cannot send to " + remoteAddress() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("sending to " + remoteAddress() + " took longer than " + timeout.toMillis() + " ms");
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            session.close(code, reason, Callback.NOOP);
        } catch (RuntimeException e) {
            // already closing or closed: nothing left to do
        }
    }

    @Override
    public void abort() {
        try {
            session.disconnect();
        } catch (RuntimeException e) {
            // already gone
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public String remoteAddress() {
        return client;
    }
}
