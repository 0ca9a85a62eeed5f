package io.enginex.edge.agent.policy;

import io.enginex.edge.protocol.PolicyDocument;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A URL prefix {@code app.open} may open: a URL is allowed when it has the rule's scheme, host and port
 * and its path starts with the rule's path. {@code https://intranet.example.com/wiki/} allows
 * {@code https://intranet.example.com/wiki/Start} but not {@code https://intranet.example.com.evil.net/}
 * nor {@code http://intranet.example.com/wiki/}.
 *
 * @param rule the rule as written in the policy
 * @param source where it came from
 */
public record UrlRule(String rule, String source) {
    public UrlRule {
        String problem = PolicyDocument.urlProblem(rule);
        if (problem != null) {
            throw new PolicyException(source + ": urls: \"" + rule + "\" " + problem);
        }
    }

    /** True when {@code url} lies under this rule; false for anything that is not a plain http(s) URL. */
    public boolean allows(String url) {
        URI given;
        try {
            given = new URI(url);
        } catch (URISyntaxException e) {
            return false;
        }
        URI mine = URI.create(rule);
        if (given.getScheme() == null
                || given.getHost() == null
                || given.getRawUserInfo() != null
                || !given.getScheme().equalsIgnoreCase(mine.getScheme())
                || !given.getHost()
                        .toLowerCase(Locale.ROOT)
                        .equals(mine.getHost().toLowerCase(Locale.ROOT))
                || port(given) != port(mine)) {
            return false;
        }
        String path = given.normalize().getRawPath();
        String prefix = mine.getRawPath() == null || mine.getRawPath().isEmpty() ? "/" : mine.getRawPath();
        String actual = path == null || path.isEmpty() ? "/" : path;
        return !actual.contains("/../") && actual.startsWith(prefix);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
