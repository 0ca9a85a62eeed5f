package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.ErrorCodes;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Asks the person at the machine whether a job may use a secret the tenant defined with {@code use:
 * consent}. Called on the job's thread, at the moment the tool resolves the secret; blocks until the
 * person answers, nobody can be asked, or {@code deadline}. The outcomes and the evidence are those of
 * {@link ToolConsent}, so a job or graph step refused a secret reads as one refused a tool.
 */
@FunctionalInterface
public interface SecretConsent {
    /**
     * Returns normally only when the person agreed.
     *
     * @param tool the tool, or {@code exec:TEMPLATE}, that would use it
     * @param requestedBy who asked for the job (the dispatch's {@code requestedBy}; a graph step's run),
     *     shown to the person and kept in the evidence; null when unknown
     * @param evidence told, once, how the request was decided (even when it was denied or not
     *     answered), in the shape of {@link ToolConsent}'s evidence: {@code shown} names the secret (never
     *     its value), the tool and the job
     * @throws ToolException {@code consent_denied} when the person declined, {@code consent_timeout}
     *     when nobody answered in time, {@code no_user_session} when nobody (or more than one person) is
     *     signed in to be asked (default deny)
     */
    void ask(
            String jobId,
            String tool,
            String secret,
            Instant deadline,
            String requestedBy,
            Consumer<ObjectNode> evidence);

    /** On an agent with no way to reach a signed-in person: every use is refused. */
    SecretConsent NOBODY = (jobId, tool, secret, deadline, requestedBy, evidence) -> {
        throw new ToolException(
                ErrorCodes.NO_USER_SESSION,
                "the secret " + secret + " may only be used with the consent of the person at the machine (the"
                        + " tenant defined it with use: consent), and this agent has no user session to ask: run"
                        + " the agent as the system service with its session part (enginex-agent session) started"
                        + " at login, docs/INSTALL.md \"The user session part\"");
    };
}
