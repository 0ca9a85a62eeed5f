package io.enginex.edge.protocol;

/**
 * Typed error codes carried in {@link ErrorInfo#code()} and {@link ErrorFrame#code()}.
 *
 * <p>Codes are lower-case strings on the wire so a newer peer can add codes without breaking an
 * older one; an unknown code is shown as it is.
 */
public final class ErrorCodes {
    /** A frame that is not valid JSON, lacks required fields, or has fields out of range. */
    public static final String BAD_FRAME = "bad_frame";

    /** A frame larger than {@link FrameLimits#maxFrameBytes()}. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";

    /** A frame whose {@code type} this peer does not know. */
    public static final String UNKNOWN_TYPE = "unknown_type";

    /** A peer of a different protocol major version. */
    public static final String UNSUPPORTED_VERSION = "unsupported_version";

    /** A dispatch naming a tool the agent does not offer. */
    public static final String UNKNOWN_TOOL = "unknown_tool";

    /** Arguments that do not match the tool's input schema. */
    public static final String INVALID_ARGUMENTS = "invalid_arguments";

    /** A path that resolves outside the tool's allowed root. */
    public static final String PATH_OUTSIDE_ROOT = "path_outside_root";

    /**
     * A call the agent's effective policy refuses (a tool, root mode, deny glob, size cap, command
     * template or network rule); the message names the rule and where it came from, e.g. machine
     * policy. Not a failure of the tool: retrying will not help until the policy changes.
     */
    public static final String BLOCKED_BY_POLICY = "blocked_by_policy";

    /** A file or directory that does not exist. */
    public static final String NOT_FOUND = "not_found";

    /** A tool that ran and failed (I/O error, limit exceeded). */
    public static final String TOOL_FAILED = "tool_failed";

    /** The job passed its deadline before a result arrived. */
    public static final String DEADLINE_EXCEEDED = "deadline_exceeded";

    /** The job was cancelled by the hub. */
    public static final String CANCELLED = "cancelled";

    /**
     * The agent had started this job before it restarted; it is not run again (at most once), so its
     * outcome is unknown.
     */
    public static final String INTERRUPTED = "interrupted";

    /**
     * The person at the agent's machine paused its local actions ({@code enginex-agent pause}, or the
     * switch on its status page): the job was not run. The message says who paused it and since
     * when; it runs again once they resume. The hub answers new jobs for an agent it knows is paused
     * with the same code.
     */
    public static final String AGENT_PAUSED = "agent_paused";

    /**
     * The hub could not handle a frame because its database is unavailable; the socket stays open
     * and the hub retries by itself when the database is back (resends unfinished jobs, answers a
     * held hello). The agent need do nothing.
     */
    public static final String UNAVAILABLE = "unavailable";

    /**
     * A tool that runs in a signed-in user's session (app.launch, app.open, app.list, desktop.notify)
     * found no session part of that user connected to the agent: nobody is signed in, or their
     * {@code enginex-agent session} is not running. The message names who is connected.
     */
    public static final String NO_USER_SESSION = "no_user_session";

    /**
     * A tool the policy marks {@code consentRequired} was not run, or a vault secret the tenant defined
     * {@code use: consent} was not used: the person at the machine denied it (the job result's {@code
     * consent} says who, how and when).
     */
    public static final String CONSENT_DENIED = "consent_denied";

    /** As {@link #CONSENT_DENIED}, but nobody answered before the request expired. */
    public static final String CONSENT_TIMEOUT = "consent_timeout";

    /**
     * A tool the policy marks {@code consentRequired} was not run: several users are signed in and the
     * call names none of them ({@code user}), so the agent cannot tell whom to ask.
     */
    public static final String CONSENT_UNAVAILABLE = "consent_unavailable";

    /** A bug or unexpected state; the message says what. */
    public static final String INTERNAL = "internal";

    private ErrorCodes() {}
}
