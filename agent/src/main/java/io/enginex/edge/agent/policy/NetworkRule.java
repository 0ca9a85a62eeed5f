package io.enginex.edge.agent.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A host and port {@code http.request} may reach.
 *
 * @param host a DNS name or IP literal, lower-case
 * @param port 1..65535
 * @param source where the rule came from
 */
public record NetworkRule(String host, int port, String source) {
    public NetworkRule {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new PolicyException(source + ": port " + port + " of " + host + " is not in 1..65535");
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws PolicyException when there is no port
     */
    public static NetworkRule parse(String text, String source) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new PolicyException(source + ": network rule \"" + text + "\" must be host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new NetworkRule(host, Integer.parseInt(text.substring(colon + 1)), source);
        } catch (NumberFormatException e) {
            throw new PolicyException(source + ": network rule \"" + text + "\" has no numeric port", e);
        }
    }

    /** {@code host:port}. */
    public String label() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
