package io.enginex.edge.agent.transport;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The hub's base address, e.g. {@code https://hub.example.com} or {@code http://localhost:8080}.
 *
 * <p>Plain {@code http} is accepted only for a loopback host ({@code localhost}, {@code 127.0.0.0/8},
 * {@code ::1}); anything else must use TLS. Loopback is decided from the URL alone, never by a DNS
 * lookup, so a name that happens to resolve to 127.0.0.1 does not count.
 *
 * @param base scheme {@code http} or {@code https}, host, optional port and path prefix, no trailing
 *     slash, no query
 */
public record HubEndpoint(URI base) {
    public HubEndpoint {
        String scheme = base.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException(
                    "hub URL must start with https:// (or http:// for localhost), got " + base);
        }
        if (base.getHost() == null) {
            throw new IllegalArgumentException("hub URL has no host: " + base);
        }
        if ("http".equals(scheme) && !isLoopbackHost(base.getHost())) {
            throw new IllegalArgumentException("refusing plain http:// to " + base.getHost()
                    + ": the hub must be reached over https:// (plain http is allowed only to localhost, 127.0.0.1"
                    + " or ::1). Use the https:// URL that engine serve prints.");
        }
    }

    /**
     * Parses what a person typed. Accepts {@code ws://} and {@code wss://} as spellings of {@code http}
     * and {@code https}, and drops a trailing slash.
     *
     * @throws IllegalArgumentException with a message saying what to type instead
     */
    public static HubEndpoint parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("hub URL is empty; pass --server https://your-hub.example.com");
        }
        String text = url.strip();
        if (!text.contains("://")) {
            throw new IllegalArgumentException(
                    "hub URL needs a scheme: did you mean https://" + text + " ? (http:// only for localhost)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("hub URL is not a valid URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        scheme = switch (scheme) {
            case "wss" -> "https";
            case "ws" -> "http";
            default -> scheme;
        };
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("hub URL must not have a query or fragment: " + text);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new HubEndpoint(new URI(scheme, null, uri.getHost(), uri.getPort(), path, null, null));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("hub URL is not a valid URL: " + e.getMessage(), e);
        }
    }

    /** The HTTP(S) address of {@code path} (which starts with a slash) on this hub. */
    public URI resolve(String path) {
        return URI.create(base + path);
    }

    /** The WebSocket address of {@code path}: {@code wss://} for https, {@code ws://} for loopback http. */
    public URI webSocket(String path) {
        String ws = "https".equals(base.getScheme()) ? "wss" : "ws";
        return URI.create(ws + base.toString().substring(base.getScheme().length()) + path);
    }

    /** Whether the hub is reached over TLS. */
    public boolean secure() {
        return "https".equals(base.getScheme());
    }

    /**
     * Whether {@code host} (as written in a URL, IPv6 in brackets or not) names this machine's
     * loopback interface without a DNS lookup.
     */
    public static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        boolean ipv4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = h.contains(":") && h.matches("[0-9a-f:.%]+");
        if (!ipv4 && !ipv6) {
            return false; // a name: only "localhost" counts, we never ask DNS
        }
        try {
            // getByName does no lookup for an IP literal.
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
