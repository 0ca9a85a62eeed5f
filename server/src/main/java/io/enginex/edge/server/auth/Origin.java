package io.enginex.edge.server.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a request came from, for its audit event: the caller's address and the front end it used.
 *
 * @param sourceIp the caller's address, or null when there is no request
 * @param via {@code dashboard} for the web dashboard, or null for the REST API (the event then names
 *     no {@code via}, as it always has)
 */
public record Origin(String sourceIp, String via) {
    /** The REST API. */
    public static Origin api(String sourceIp) {
        return new Origin(sourceIp, null);
    }

    /** The web dashboard. */
    public static Origin dashboard(String sourceIp) {
        return new Origin(sourceIp, "dashboard");
    }

    /** {@code details} with {@code via} added when there is one (a new, ordered map). */
    public Map<String, Object> tag(Map<String, ?> details) {
        Map<String, Object> tagged = new LinkedHashMap<>(details);
        if (via != null) {
            tagged.put("via", via);
        }
        return tagged;
    }
}
