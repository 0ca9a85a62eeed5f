package io.enginex.edge.agent.network;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTP/1.1 client that connects to addresses it is given, never to ones it looks up: the
 * addresses {@link NetworkGuard} checked. So a DNS answer that changes between the check and the
 * connection (DNS rebinding) cannot send the request elsewhere.
 *
 * <p>Why not the JDK's {@code HttpClient}: it has no per-client resolver, and connecting it to the IP
 * literal would need the restricted {@code Host} header (a JVM-wide system property) and would verify
 * TLS against the IP instead of the name. Here the socket goes to the pinned address while TLS sends
 * SNI for, and verifies the certificate against (endpoint identification {@code HTTPS}), the name in
 * the URL, with the JDK's own TLS stack and trust store.
 *
 * <p>One request per connection ({@code Connection: close}); no proxy; no redirects (the caller checks
 * and pins each hop); response heads are capped ({@link HttpResponseHead}). Thread-safe and immutable:
 * each {@link #send} uses its own socket, closed when the response is.
 */
public final class PinnedHttpClient {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final SSLContext tls;
    private final Duration connectTimeout;

    /**
     * @param tls trust and keys for {@code https} (usually {@link SSLContext#getDefault()})
     * @param connectTimeout per address tried
     */
    public PinnedHttpClient(SSLContext tls, Duration connectTimeout) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /**
     * One request.
     *
     * @param uri an {@code http} or {@code https} URL whose host is the name the addresses belong to
     * @param headers header names and values as given (checked here: tokens, no control characters)
     * @param body sent with {@code Content-Length}, or null for none
     * @param addresses checked addresses of the URL's host, tried in order until one accepts
     * @param timeout how long connecting and each read may block
     * @return the response; the caller closes it, which closes the connection
     * @throws IllegalArgumentException for a header name or value that cannot be sent
     * @throws IOException when no address accepts, TLS fails, or the answer is not HTTP/1.x
     */
    public HttpResponseHead.Response send(
            URI uri,
            String method,
            Map<String, String> headers,
            byte[] body,
            List<InetAddress> addresses,
            Duration timeout)
            throws IOException {
        String request = requestHead(uri, method, headers, body);
        Socket socket = connect(uri, addresses, timeout);
        try {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            return HttpResponseHead.read(in, method.equals("HEAD"), socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private Socket connect(URI uri, List<InetAddress> addresses, Duration timeout) throws IOException {
        if (addresses.isEmpty()) {
            throw new IOException("no address to connect to");
        }
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        int millis = Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), (int) Math.min(millis, connectTimeout.toMillis()));
                socket.setSoTimeout(millis);
                return https ? handshake(socket, host(uri), port) : socket;
            } catch (IOException e) {
                socket.close();
                if (https && e instanceof javax.net.ssl.SSLException) {
                    throw e; // the name's certificate is wrong: another address of it would not help
                }
                last = e;
            }
        }
        throw last;
    }

    private SSLSocket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static String requestHead(URI uri, String method, Map<String, String> headers, byte[] body) {
        if (!TOKEN.matcher(method).matches()) {
            throw new IllegalArgumentException("the method " + method + " is not a valid HTTP method");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader(uri))
                .append("\r\n");
        boolean userAgent = false;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String value = header.getValue();
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("the header name \"" + name + "\" is not a valid HTTP token");
            }
            if (!value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f))) {
                throw new IllegalArgumentException(
                        "the value of the header " + name + " has control or non-ASCII characters");
            }
            userAgent |= name.equalsIgnoreCase("user-agent");
            head.append(name).append(": ").append(value.strip()).append("\r\n");
        }
        if (!userAgent) {
            head.append("User-Agent: enginex-agent\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return head.append("Connection: close\r\n\r\n").toString();
    }

    private static String hostHeader(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return uri.getPort() == -1 ? host : host + ":" + uri.getPort();
    }

    /** The URL's host without IPv6 brackets. */
    private static String host(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }
}
