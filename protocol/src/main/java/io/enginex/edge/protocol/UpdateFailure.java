package io.enginex.edge.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * The last update that failed on an agent, in {@link UpdateReport#failure()}.
 *
 * <pre>{@code
 * {"version":"1.5.0","reason":"no hello accepted within 300 s; rolled back to 1.4.0","at":"2026-12-01T10:07:00Z"}
 * }</pre>
 *
 * @param version the release that failed (a health check, a verification, an install), or null when the
 *     failure is not a release's (the repository unreachable, its metadata expired); only a failure that
 *     names a version counts against that release's rollout on the hub
 * @param reason one sentence for a person; cut at {@link #MAX_REASON} characters
 * @param at when, on the agent's clock
 */
public record UpdateFailure(String version, String reason, Instant at) {
    /** At most this many characters of {@code reason} travel; longer reasons are cut. */
    public static final int MAX_REASON = 1000;

    public UpdateFailure {
        if (version != null) {
            UpdateReport.requireToken(version, "failure.version", UpdateReport.MAX_VERSION);
        }
        Messages.requireText(reason, "failure.reason");
        Objects.requireNonNull(at, "failure.at is required");
        reason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }
}
