package io.enginex.edge.server.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which redirect URIs a client may register and how a request's is matched, as the MCP
 * specification's authorization section and OAuth 2.1 say: HTTPS, or HTTP on the loopback interface
 * (a native client listening on {@code http://127.0.0.1:<port>/callback}); no fragment. A request's
 * URI must equal a registered one exactly, except that a loopback URI may use any port (RFC 8252
 * §7.3: a native client gets its port from the system when it starts).
 */
final class RedirectUris {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    static final int MAX_LENGTH = 2000;

    private RedirectUris() {}

    /** @return why {@code uri} may not be registered, or null when it may */
    static String problem(String uri) {
        if (uri == null || uri.isEmpty() || uri.length() > MAX_LENGTH) {
            return "must be a URL of at most " + MAX_LENGTH + " characters";
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return "is not a URL (" + e.getReason() + ")";
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null) {
            return "must be an absolute URL with a host";
        }
        if (parsed.getFragment() != null) {
            return "must not have a fragment";
        }
        if (parsed.getUserInfo() != null) {
            return "must not carry a user name";
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme) || ("http".equals(scheme) && loopback(parsed))) {
            return null;
        }
        return "must be https, or http on the loopback interface (localhost, 127.0.0.1, [::1])";
    }

    /** The registered URI {@code requested} matches, or null when it matches none. */
    static String match(List<String> registered, String requested) {
        for (String r : registered) {
            if (r.equals(requested) || samePortless(r, requested)) {
                return requested;
            }
        }
        return null;
    }

    private static boolean samePortless(String registered, String requested) {
        try {
            URI a = new URI(registered);
            URI b = new URI(requested);
            return "http".equalsIgnoreCase(a.getScheme())
                    && "http".equalsIgnoreCase(b.getScheme())
                    && loopback(a)
                    && a.getHost().equalsIgnoreCase(b.getHost())
                    && b.getUserInfo() == null
                    && b.getRawFragment() == null
                    && java.util.Objects.equals(a.getRawPath(), b.getRawPath())
                    && java.util.Objects.equals(a.getRawQuery(), b.getRawQuery());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean loopback(URI uri) {
        return uri.getHost() != null && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
    }
}
