package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a plain-HTTP hub. It forwards every byte both ways (HTTP and
 * WebSocket alike), except on a connection that sends {@code POST <path>}: there it forwards the
 * request, waits until the hub starts to answer (the hub did the work), and then resets the client's
 * connection without passing the answer on: the fault "the server committed, the answer was lost".
 */
public final class AnswerDroppingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final String requestLine;
    private final AtomicInteger dropped = new AtomicInteger();

    private AnswerDroppingProxy(int upstreamPort, String path) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.requestLine = "POST " + path + " ";
        Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    /** Listens on a free loopback port and forwards to {@code 127.0.0.1:upstreamPort}. */
    public static AnswerDroppingProxy start(int upstreamPort, String path) throws IOException {
        return new AnswerDroppingProxy(upstreamPort, path);
    }

    /** {@code http://127.0.0.1:<port>}, the address to give the client instead of the hub's. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** How many answers were dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                AtomicBoolean dropAnswer = new AtomicBoolean();
                Thread.ofVirtual().start(() -> requests(client, upstream, dropAnswer));
                Thread.ofVirtual().start(() -> answers(client, upstream, dropAnswer));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void requests(Socket client, Socket upstream, AtomicBoolean dropAnswer) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = client.getInputStream()) {
            OutputStream out = upstream.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                // The request line starts a chunk: the client writes each request's head in one go.
                if (new String(buffer, 0, n, StandardCharsets.ISO_8859_1).startsWith(requestLine)) {
                    dropAnswer.set(true); // before forwarding, so the answer cannot overtake the flag
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed: the other pump ends too.
        } finally {
            closeQuietly(upstream);
        }
    }

    private void answers(Socket client, Socket upstream, AtomicBoolean dropAnswer) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = upstream.getInputStream()) {
            OutputStream out = client.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (dropAnswer.get()) {
                    dropped.incrementAndGet();
                    client.setSoLinger(true, 0); // a reset, as when the hub's host went away
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed: the other pump ends too.
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
