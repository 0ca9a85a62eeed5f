package io.enginex.edge.server.config;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who the client is when the hub runs behind load balancers ({@code engine serve --trusted-proxy}):
 * the peer's address, unless the peer is a trusted proxy; then the right-most address of {@code
 * X-Forwarded-For} that is not a trusted proxy (what the nearest untrusted hop told the proxy). The
 * header is never believed from anyone else, so a client cannot choose its own address and escape
 * the per-address limits. With no trusted proxies (the default) it is always the peer. Immutable.
 */
public final class TrustedProxies {
    // An IPv4 or IPv6 literal, never a host name: resolving one would make a request wait on DNS.
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final List<Block> trusted;

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private TrustedProxies(List<Block> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** The peer is the client, always. */
    public static final TrustedProxies DIRECT = new TrustedProxies(List.of());

    /**
     * Parses {@code --trusted-proxy} values: addresses or CIDR blocks ({@code 10.0.0.0/8},
     * {@code 127.0.0.1}, {@code fd00::/8}).
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static TrustedProxies trusting(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            String text = cidr.strip();
            int slash = text.indexOf('/');
            byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
            int max = network == null ? 0 : network.length * 8;
            int prefix = max;
            if (network != null && slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
            }
            if (network == null || prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("--trusted-proxy takes an IP address or a CIDR block such as"
                        + " 10.0.0.0/8, 127.0.0.1 or fd00::/8 (the load balancers in front of the hub); got " + cidr);
            }
            blocks.add(new Block(network, prefix));
        }
        return new TrustedProxies(blocks);
    }

    /** Whether no proxy is trusted ({@link #DIRECT}): the peer is always the client. */
    public boolean isEmpty() {
        return trusted.isEmpty();
    }

    /** Whether {@code address} is a trusted proxy's (so may name the client in a PROXY protocol header). */
    public boolean trusts(InetAddress address) {
        byte[] bytes = address.getAddress();
        return trusted.stream().anyMatch(b -> b.contains(bytes));
    }

    /**
     * The client of {@code request}, from its peer (which a PROXY protocol header from a trusted proxy
     * names, {@code --proxy-protocol}) and its {@code X-Forwarded-For} headers by {@link
     * #clientAddress(String, List)}: what the REST API, the dashboard and the agent socket call the client.
     */
    public String clientAddress(HttpServletRequest request) {
        return clientAddress(request.getRemoteAddr(), Collections.list(request.getHeaders("X-Forwarded-For")));
    }

    /**
     * The client's address.
     *
     * @param peer the address of the TCP peer
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order (may be empty)
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (trusted.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (literal(hop) == null) {
                return client; // a hop that is no address: believe nothing left of it
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        byte[] bytes = literal(address);
        return bytes != null && trusted.stream().anyMatch(b -> b.contains(bytes));
    }

    private static byte[] literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!LITERAL.matcher(t).matches() || !(t.contains(".") || t.contains(":"))) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
