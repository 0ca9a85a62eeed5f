package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.ErrorCodes;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Asks the person signed in at the machine whether a job may run a tool the policy marks {@code
 * consentRequired}, before it runs. Called on the job's thread; blocks until the person answers, nobody
 * can be asked, or {@code deadline}.
 */
@FunctionalInterface
public interface ToolConsent {
    /**
     * Returns normally only when the person allowed the call.
     *
     * @param args the call's arguments as the hub sent them (vault secrets appear only as {@code
     *     secret:NAME} references, never their values), shown to the person
     * @param requestedBy who asked for the job on the hub (the dispatch's {@code requestedBy}), shown to
     *     the person and kept in the evidence; null when unknown
     * @param evidence told, once, how the request was decided (even when it was denied or not
     *     answered): {@code user}, {@code answer} ({@code allowed}, {@code denied}, {@code timeout}),
     *     {@code via} ({@code dialog}, {@code status page}, {@code timeout}), {@code askedAt}, {@code
     *     answeredAt} (device time), {@code shown} and {@code request}; the job's result carries it
     * @throws ToolException {@code consent_denied}, {@code consent_timeout}, {@code no_user_session}
     *     (nobody signed in with the session part running) or {@code consent_unavailable} (several
     *     users signed in and the call names none)
     */
    void ask(
            String jobId,
            String tool,
            JsonNode args,
            Instant deadline,
            String requestedBy,
            Consumer<ObjectNode> evidence);

    /** On an agent that takes no session parts: every consent-marked call is refused. */
    ToolConsent NOBODY = (jobId, tool, args, deadline, requestedBy, evidence) -> {
        throw new ToolException(
                ErrorCodes.NO_USER_SESSION,
                "the tool " + tool + " needs the consent of the person at the machine (consentRequired in the"
                        + " policy), and this agent has no user session to ask: run the agent as the system"
                        + " service with its session part (enginex-agent session) started at login,"
                        + " docs/INSTALL.md \"The user session part\"");
    };
}
