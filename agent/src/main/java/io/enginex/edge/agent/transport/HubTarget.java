package io.enginex.edge.agent.transport;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * One place to dial: a hub address, and when its host name resolves to several addresses, the one
 * chosen. A target with an address connects to that IP while TLS still names the host: the request
 * goes to the IP literal and the HTTP client sends the host name as SNI, which the JDK's trust manager
 * checks the certificate against ({@link HubClient}).
 *
 * @param endpoint the hub address as configured
 * @param address the resolved address to connect to, or null to let the system resolve the name
 */
public record HubTarget(HubEndpoint endpoint, InetAddress address) {
    public HubTarget {
        java.util.Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The endpoint by its name, resolved by the system when dialled. */
    public static HubTarget of(HubEndpoint endpoint) {
        return new HubTarget(endpoint, null);
    }

    /** The host name TLS must verify (the endpoint's host, also when dialling an address). */
    public String host() {
        return endpoint.base().getHost();
    }

    /** The HTTP(S) address of {@code path} (which starts with a slash) on this target. */
    public URI resolve(String path) {
        return URI.create(base() + path);
    }

    /** The WebSocket address of {@code path}: {@code wss://} for https, {@code ws://} for loopback http. */
    public URI webSocket(String path) {
        String base = base().toString();
        String scheme = endpoint.base().getScheme();
        String ws = "https".equals(scheme) ? "wss" : "ws";
        return URI.create(ws + base.substring(scheme.length()) + path);
    }

    private URI base() {
        if (address == null) {
            return endpoint.base();
        }
        URI base = endpoint.base();
        try {
            return new URI(
                    base.getScheme(), null, address.getHostAddress(), base.getPort(), base.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot address " + address + " for " + base, e);
        }
    }

    /** For logs and status: the address, and the IP dialled when there is one. */
    @Override
    public String toString() {
        return address == null ? endpoint.toString() : endpoint + " (" + address.getHostAddress() + ")";
    }
}
