package io.enginex.edge.server.http;

import io.enginex.edge.server.config.TrustedProxies;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * The PROXY protocol (v1 and v2, HAProxy's {@code send-proxy}/{@code send-proxy-v2}) on the hub's
 * listener ({@code engine serve --proxy-protocol}), read by Jetty's own {@link ProxyConnectionFactory},
 * but only on connections from a trusted proxy ({@code --trusted-proxy}). A balancer passing TLS
 * through cannot add {@code X-Forwarded-For}, so it names the client in this header before the TLS
 * handshake; the client's address then is the request's remote address for the REST API, the
 * dashboard and the agent socket.
 *
 * <p>Jetty's factory reads the header when the first bytes are one and passes any other connection on
 * unchanged, from whoever connects: left alone, a client that reaches the port directly could name any
 * address it likes. Here a connection from an address that is not a trusted proxy skips detection and
 * goes straight to the next protocol (TLS, or HTTP/1.1 on a loopback hub), where a header it sends is
 * bytes of a broken handshake or request. A trusted proxy may still connect without a header (a health
 * check that sends none): it is then the client.
 *
 * <p>Thread-safe: made once per connector; {@link #newConnection} runs on Jetty's selector threads.
 */
final class TrustedProxyProtocol extends ProxyConnectionFactory {
    private final TrustedProxies proxies;
    private final String next;

    /**
     * @param next the protocol that follows on the connector, whose connection factory serves the
     *     connection after the header (or at once, from an untrusted peer)
     */
    TrustedProxyProtocol(TrustedProxies proxies, String next) {
        super(next);
        this.proxies = proxies;
        this.next = next;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (fromTrustedProxy(endPoint.getRemoteSocketAddress())) {
            return super.newConnection(connector, endPoint);
        }
        ConnectionFactory following = connector.getConnectionFactory(next);
        if (following == null) {
            throw new IllegalStateException("the PROXY protocol needs " + next + " after it on the connector; it has "
                    + connector.getProtocols());
        }
        return following.newConnection(connector, endPoint);
    }

    private boolean fromTrustedProxy(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null && proxies.trusts(inet.getAddress());
    }
}
