package io.enginex.edge.server.dashboard;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the sign-in page may send a person afterwards (its {@code next} parameter): a dashboard path
 * on this hub, with its query, and nothing else. Refused, so the person lands on the start page
 * instead: absolute URLs and schemes ({@code https://evil}, {@code javascript:}), protocol-relative
 * {@code //evil} (a {@code //} in the path; in the query it is data), backslashes ({@code /\evil}, which browsers read as {@code //}), control characters,
 * the sign-in page itself, and any of these hidden behind percent-encoding (once or repeatedly, e.g.
 * {@code /ui/%2F%2Fevil}, {@code %252F}) or malformed encoding.
 */
final class LocalPath {
    private static final String PREFIX = "/ui/";
    private static final int MAX_LENGTH = 2_000;
    private static final int MAX_DECODINGS = 4;

    private LocalPath() {}

    /** {@code next} if it is a safe dashboard path, else {@code fallback}. */
    static String orElse(String next, String fallback) {
        return isSafe(next) ? next : fallback;
    }

    static boolean isSafe(String next) {
        if (next == null || next.length() > MAX_LENGTH) {
            return false;
        }
        String s = next;
        for (int i = 0; i <= MAX_DECODINGS; i++) {
            if (!looksLocal(s)) {
                return false;
            }
            String decoded;
            try {
                // '+' is a literal plus in a path; only %XX is decoded.
                decoded = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return i > 0; // a literal '%' left after decoding (100%25) is harmless; a malformed original is not
            }
            if (decoded.equals(s)) {
                return true;
            }
            s = decoded;
        }
        return false; // still encoded after several rounds: nobody types that
    }

    private static boolean looksLocal(String s) {
        int query = s.indexOf('?');
        // "//" only matters in the path (a browser reads "//host" as another site); in the query it is
        // data, such as the redirect_uri of the OAuth consent page's URL (/ui/oauth/authorize?…).
        String path = query < 0 ? s : s.substring(0, query);
        return s.startsWith(PREFIX)
                && !s.startsWith("/ui/login")
                && !path.contains("//")
                && !s.contains("\\")
                && s.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }
}
