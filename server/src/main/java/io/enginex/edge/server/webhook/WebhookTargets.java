package io.enginex.edge.server.webhook;

import io.enginex.edge.server.HubException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which URLs webhooks may be sent to: HTTPS to a public address. A hub sends requests from inside
 * the network it runs in, so an endpoint on a loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, unique-local or multicast address would let a tenant admin reach what only the
 * hub can (server-side request forgery); such targets, and plain HTTP, are refused unless the hub was
 * started with {@code --webhook-allow-private-targets} (a hub whose receivers are on its own network,
 * and the tests). Checked when an endpoint is registered and again before every attempt, as a name
 * may resolve elsewhere later. Thread-safe (immutable).
 */
public final class WebhookTargets {
    /** The longest URL accepted. */
    public static final int MAX_URL = 2000;

    private final boolean allowPrivate;
    private final Resolver resolver;

    /** Looks a host name up (the system resolver; tests may give their own). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public WebhookTargets(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    public WebhookTargets(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /**
     * {@code url} as a target, checked.
     *
     * @throws HubException.BadRequest {@code bad_webhook_url} naming what to change
     */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw bad("url is required: the https:// address your receiver listens on");
        }
        if (url.length() > MAX_URL) {
            throw bad("url must be at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw bad("url is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
            throw bad("url must start with https:// (plain http is accepted only when the hub runs with"
                    + " --webhook-allow-private-targets)");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            throw bad("url must name a host, without user:password@ or a #fragment");
        }
        refusePrivate(uri);
        return uri;
    }

    /**
     * Checks where {@code uri}'s host resolves now.
     *
     * @throws HubException.BadRequest {@code bad_webhook_url} when it cannot be resolved or resolves
     *     to an address that is not public (and private targets are not allowed)
     */
    public void refusePrivate(URI uri) {
        if (allowPrivate) {
            return;
        }
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw bad("the host " + host + " does not resolve; check the name");
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                throw bad("the host " + host + " resolves to " + a.getHostAddress()
                        + ", a loopback, private or link-local address; webhooks go to public addresses only"
                        + " (an operator can allow such targets with engine serve --webhook-allow-private-targets)");
            }
        }
    }

    /** Whether {@code a} is an address on the public internet. */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress()
                || a.isLoopbackAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 // "this network"
                    && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19)) // benchmarking
                    && first < 240; // reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            boolean mapped = true; // ::ffff:a.b.c.d carries an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static HubException.BadRequest bad(String message) {
        return new HubException.BadRequest("bad_webhook_url", message);
    }
}
