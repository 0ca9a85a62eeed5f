package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * An agent's update state as it last reported it (protocol frame {@code update}).
 *
 * @param ring the agent's rollout bucket, 0–99 ({@code Rollout.bucket} of its id)
 * @param mode {@code self}, {@code managed} or {@code off}
 * @param state {@code idle}, {@code downloading}, {@code staged}, {@code switching}, {@code health-check},
 *     {@code rolled-back}, {@code refused} or {@code failed} (or a newer agent's state, kept as it is)
 * @param target the version being installed or refused, or null
 * @param available a newer version a managed install reports, or null
 * @param checkedAt the agent's last check, or null
 * @param failure the last failed update, or null
 * @param reportedAt when the hub received the report (the hub's clock)
 */
public record AgentUpdate(
        String tenantId,
        String agentId,
        String version,
        String channel,
        int ring,
        String mode,
        String state,
        String target,
        String available,
        Instant checkedAt,
        Failure failure,
        Instant reportedAt) {
    /**
     * @param version the release that failed, or null when the failure was not a release's
     * @param reason what the agent said
     * @param at when, on the agent's clock
     */
    public record Failure(String version, String reason, Instant at) {}

    /**
     * Whether this agent tried {@code release}: it runs it, is installing it, refused it or failed it.
     */
    public boolean attempted(String release) {
        return release.equals(version)
                || release.equals(target)
                || (failure != null && release.equals(failure.version()));
    }

    /** Whether {@code release} failed on this agent (and it does not run it now). */
    public boolean failed(String release) {
        return failure != null && release.equals(failure.version()) && !release.equals(version);
    }
}
