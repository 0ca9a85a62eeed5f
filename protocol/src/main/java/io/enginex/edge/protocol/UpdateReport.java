package io.enginex.edge.protocol;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Agent → hub: the agent's update state (added in protocol 1.0 without a version change). Sent right
 * after every {@code welcome} and again whenever the state changes; each frame carries the whole
 * state, so the last one received is the truth. The hub stores it per agent, shows it on the fleet
 * page and in the API, and counts it in the rollout of the release it names.
 *
 * <pre>{@code
 * {"type":"update","id":"a-4","version":"1.4.0","channel":"stable","mode":"self","state":"refused",
 *  "target":"1.5.0","checkedAt":"2026-12-01T10:10:00Z",
 *  "failure":{"version":"1.5.0","reason":"no hello accepted within 300 s; rolled back to 1.4.0","at":"…"}}
 * }</pre>
 *
 * <p>A hub that does not know it answers {@code unknown_type} and the connection stays up. A hub that
 * does may send {@code release} frames on that connection from then on (never before, so an older agent
 * is never sent one).
 *
 * @param version the version running
 * @param channel the release channel the agent follows (its own, or its tenant's pin)
 * @param mode {@link #MODE_SELF} (replaces itself), {@link #MODE_MANAGED} (a package manager or an
 *     administrator installs the versions it reports) or {@link #MODE_OFF} (no trusted update root)
 * @param state one of {@link #STATES}; a receiver shows a state it does not know as it is
 * @param target the version being installed or refused ({@code downloading}, {@code staged}, {@code
 *     switching}, {@code health-check}, {@code refused}), or null
 * @param available a newer version the repository offers that this agent does not install itself
 *     (managed mode), or null
 * @param checkedAt when the repository was last checked, or null (never)
 * @param failure the last failed update, or null
 */
public record UpdateReport(
        String id,
        String version,
        String channel,
        String mode,
        String state,
        String target,
        String available,
        Instant checkedAt,
        UpdateFailure failure)
        implements Message {
    public static final String TYPE = "update";

    public static final String MODE_SELF = "self";
    public static final String MODE_MANAGED = "managed";
    public static final String MODE_OFF = "off";

    /** Nothing in progress (up to date, waiting for its ring, the channel paused). */
    public static final String IDLE = "idle";
    /** Downloading {@code target}. */
    public static final String DOWNLOADING = "downloading";
    /** {@code target} is verified and installed beside the running version; it switches once no job runs. */
    public static final String STAGED = "staged";
    /** Switching to {@code target}: the agent restarts into it. */
    public static final String SWITCHING = "switching";
    /** Running a new version whose health check has not passed yet. */
    public static final String HEALTH_CHECK = "health-check";
    /** The last switch failed its health check and was rolled back ({@code failure} says why). */
    public static final String ROLLED_BACK = "rolled-back";
    /** The channel offers {@code target}, which this agent rolled back before and refuses from then on. */
    public static final String REFUSED = "refused";
    /**
     * The last check failed and is retried later: the repository unreachable or its metadata expired
     * ({@code failure} names no version), or the release's download failed its verification or could not
     * be installed ({@code failure} names the release).
     */
    public static final String FAILED = "failed";

    /** The states this version of the protocol names. */
    public static final List<String> STATES =
            List.of(IDLE, DOWNLOADING, STAGED, SWITCHING, HEALTH_CHECK, ROLLED_BACK, REFUSED, FAILED);

    static final int MAX_VERSION = 100;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    public UpdateReport {
        Messages.requireText(id, "id");
        requireToken(version, "version", MAX_VERSION);
        requireToken(channel, "channel", 32);
        requireToken(mode, "mode", 32);
        requireToken(state, "state", 32);
        if (target != null) {
            requireToken(target, "target", MAX_VERSION);
        }
        if (available != null) {
            requireToken(available, "available", MAX_VERSION);
        }
    }

    static String requireToken(String value, String what, int max) {
        Messages.requireText(value, what);
        if (value.length() > max || !TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what + " must be letters, digits and . _ + - (at most " + max + "), got " + Protocol.quote(value));
        }
        return value;
    }
}
