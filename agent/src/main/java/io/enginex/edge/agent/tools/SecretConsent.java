package io.enginex.edge.agent.tools;

import io.enginex.edge.protocol.ErrorCodes;
import java.time.Instant;

/**
 * Asks the person at the machine whether a job may use a secret the tenant defined with {@code use:
 * consent}. Called on the job's thread, at the moment the tool resolves the secret; blocks until the
 * person answers, nobody can be asked, or {@code deadline}.
 */
@FunctionalInterface
public interface SecretConsent {
    /**
     * Returns normally only when the person agreed.
     *
     * @param tool the tool, or {@code exec:TEMPLATE}, that would use it
     * @param requestedBy who asked for the job on the hub (the dispatch's {@code requestedBy}), shown to
     *     the person; null when unknown
     * @throws ToolException {@code blocked_by_policy} when the person declined or did not answer in
     *     time, {@code no_user_session} when nobody is signed in to be asked (default deny)
     */
    void ask(String jobId, String tool, String secret, Instant deadline, String requestedBy);

    /** On an agent with no way to reach a signed-in person: every use is refused. */
    SecretConsent NOBODY = (jobId, tool, secret, deadline, requestedBy) -> {
        throw new ToolException(
                ErrorCodes.NO_USER_SESSION,
                "the secret " + secret + " may only be used with the consent of the person at the machine (the"
                        + " tenant defined it with use: consent), and this agent has no user session to ask: run"
                        + " the agent as the system service with its session part (enginex-agent session) started"
                        + " at login, docs/INSTALL.md \"The user session part\"");
    };
}
