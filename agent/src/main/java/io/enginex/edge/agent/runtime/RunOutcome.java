package io.enginex.edge.agent.runtime;

import java.util.Objects;

/**
 * How a run of the agent ended, for the command line to turn into an exit code.
 *
 * @param message what happened and what to do next; empty for {@link Kind#STOPPED}
 */
public record RunOutcome(Kind kind, String message) {
    public enum Kind {
        /** Stopped on request (a signal, the service manager), or before enrolment completed. */
        STOPPED,
        /** No identity and no configuration to enrol with: nothing was started. */
        NOT_REGISTERED,
        /** The hub revoked this agent; it must be registered again. */
        REVOKED,
        /** The updater switched versions (or rolled one back): the service manager must start the agent again. */
        RESTART
    }

    public RunOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    static RunOutcome stopped() {
        return new RunOutcome(Kind.STOPPED, "");
    }
}
