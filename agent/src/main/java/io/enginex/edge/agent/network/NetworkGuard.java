package io.enginex.edge.agent.network;

import io.enginex.edge.agent.policy.NetworkRule;
import io.enginex.edge.protocol.ErrorCodes;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decides whether a URL may be fetched under the policy's network rules.
 *
 * <ol>
 *   <li>The URL: {@code http} or {@code https} only, no user info, a host, no fragment tricks (the URI
 *       is parsed strictly, so {@code http://a@b} has host {@code b}).
 *   <li>The host as written: IPv4 only in canonical dotted-quad form ({@code 2130706433}, {@code
 *       0x7f.0.0.1}, {@code 0177.0.0.1}, {@code 127.1}, {@code 127.0.0.01} are refused), no trailing dot.
 *   <li>The rule: some {@link NetworkRule} names exactly this host (case-insensitive; IPv6 literals
 *       compared as addresses) and port (default 80/443).
 *   <li>The resolved addresses: every address the name resolves to must be public or private-network
 *       (a VPN host); loopback, link-local (cloud metadata {@code 169.254.169.254}), unspecified and
 *       multicast addresses are allowed only when the rule names that very address literally (or
 *       {@code localhost} for loopback). So a listed name that someone points at 127.0.0.1 or the
 *       metadata service is refused.
 * </ol>
 *
 * Immutable and thread-safe.
 */
public final class NetworkGuard {
    private static final Pattern CANONICAL_V4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

    private final List<NetworkRule> rules;
    private final Resolver resolver;

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public NetworkGuard(List<NetworkRule> rules, Resolver resolver) {
        this.rules = List.copyOf(rules);
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * A URL that passed every check, with the addresses that were checked.
     *
     * @param uri the parsed URL
     * @param rule the rule that allows it
     */
    public record Allowed(URI uri, NetworkRule rule, List<InetAddress> addresses) {}

    /**
     * @throws NetworkException {@code invalid_arguments} for a malformed or non-canonical URL, {@code
     *     blocked_by_policy} for a host:port no rule lists or a name resolving where it must not
     */
    public Allowed check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new NetworkException(ErrorCodes.INVALID_ARGUMENTS, "\"" + shown(url) + "\" is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new NetworkException(
                    ErrorCodes.INVALID_ARGUMENTS, "only http and https URLs are allowed, not \"" + shown(url) + "\"");
        }
        if (uri.getRawUserInfo() != null) {
            throw new NetworkException(ErrorCodes.INVALID_ARGUMENTS, "URLs with user info (user@host) are refused");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new NetworkException(
                    ErrorCodes.INVALID_ARGUMENTS,
                    "\"" + shown(url) + "\" has no host (or one that is not a valid name)");
        }
        host = host.toLowerCase(Locale.ROOT);
        boolean v6 = host.startsWith("[");
        String bare = v6 ? host.substring(1, host.length() - 1) : host;
        if (host.endsWith(".")) {
            throw new NetworkException(
                    ErrorCodes.INVALID_ARGUMENTS, "host \"" + host + "\" ends with a dot; write it without");
        }
        if (!v6 && looksNumeric(bare) && !CANONICAL_V4.matcher(bare).matches()) {
            throw new NetworkException(
                    ErrorCodes.INVALID_ARGUMENTS,
                    "host \"" + bare + "\" is an IP address in a non-canonical form (decimal, octal, hex or short);"
                            + " write it as a.b.c.d");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        NetworkRule rule = rules.stream()
                .filter(r -> r.port() == port && sameHost(r.host(), bare, v6))
                .findFirst()
                .orElseThrow(() -> new NetworkException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        (v6 ? "[" + bare + "]" : bare) + ":" + port
                                + " is not in the network allowlist of the policy"));
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new NetworkException(ErrorCodes.TOOL_FAILED, "cannot resolve " + bare);
        }
        for (InetAddress address : addresses) {
            if (special(address) && !namedLiterally(rule, address)) {
                throw new NetworkException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        bare + " resolves to " + address.getHostAddress()
                                + " (loopback, link-local, multicast or unspecified), which the rule " + rule.label()
                                + " (" + rule.source() + ") does not name; refused");
            }
        }
        return new Allowed(uri, rule, List.of(addresses));
    }

    private static boolean looksNumeric(String host) {
        // Names like "cafe.example" are hex-ish letters but have a non-numeric label: only all-numeric
        // (decimal/0x-hex/octal) labels make an IP form.
        for (String label : host.split("\\.", -1)) {
            if (!label.matches("[0-9]+|0x[0-9a-f]*")) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameHost(String ruleHost, String host, boolean v6) {
        if (!v6) {
            return ruleHost.equals(host);
        }
        try {
            return ruleHost.indexOf(':') >= 0 && InetAddress.getByName(ruleHost).equals(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean special(InetAddress a) {
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress();
    }

    private static boolean namedLiterally(NetworkRule rule, InetAddress address) {
        if (rule.host().equals("localhost")) {
            return address.isLoopbackAddress();
        }
        if (!rule.host().matches("[0-9.]+") && rule.host().indexOf(':') < 0) {
            return false; // a name: special addresses are never what a listed name may mean
        }
        try {
            return InetAddress.getByName(rule.host()).equals(address);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String shown(String url) {
        return url.length() > 200 ? url.substring(0, 200) + "…" : url;
    }
}
