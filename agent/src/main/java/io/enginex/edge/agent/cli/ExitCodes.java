package io.enginex.edge.agent.cli;

/** Process exit codes of {@code enginex-agent}, stable for scripts and service managers. */
public final class ExitCodes {
    public static final int OK = 0;

    /** Something failed; the message on stderr says what. */
    public static final int FAILURE = 1;

    /** Wrong usage, or {@code run} before {@code register}. */
    public static final int USAGE = 2;

    /** The hub revoked this agent's credential: re-register; restarting will not help. */
    public static final int REVOKED = 3;

    /**
     * The agent switched to another version (an update, or a rollback after a failed health check)
     * and must be started again: the service manager restarts it (systemd {@code Restart=always} or
     * {@code RestartForceExitStatus=75}). EX_TEMPFAIL of sysexits.h.
     */
    public static final int RESTART = 75;

    private ExitCodes() {}
}
