package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.tools.SecretConsent;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Asks the person signed in at the machine, through their session part's {@code consent} action (a
 * dialog on their display), whether a job may use a secret defined with {@code use: consent}. Default
 * deny: nobody signed in, several people signed in (the agent cannot tell who is at the machine), a
 * dialog that cannot be shown, no answer in time or "Deny" all refuse the use. Thread-safe.
 */
public final class SessionConsent implements SecretConsent {
    private final SessionRegistry sessions;
    private final Clock clock;

    public SessionConsent(SessionRegistry sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public void ask(String jobId, String tool, String secret, Instant deadline) {
        Map<String, UserSession> connected = sessions.connected();
        if (connected.isEmpty()) {
            throw new ToolException(
                    ErrorCodes.NO_USER_SESSION,
                    "the secret " + secret + " needs the consent of the person at the machine (use: consent), and"
                            + " nobody is signed in with the agent's session part running to be asked; it starts at"
                            + " login (enginex-agent session, docs/INSTALL.md \"The user session part\")");
        }
        if (connected.size() > 1) {
            throw new ToolException(
                    ErrorCodes.NO_USER_SESSION,
                    "the secret " + secret + " needs the consent of the person at the machine (use: consent), and"
                            + " several users are signed in (" + String.join(", ", connected.keySet())
                            + "), so the agent cannot tell whom to ask; it is not used");
        }
        UserSession session = connected.values().iterator().next();
        JsonNode args = JsonNodeFactory.instance
                .objectNode()
                .put("secret", secret)
                .put("tool", tool)
                .put("jobId", jobId);
        ToolContext context = new ToolContext(jobId, deadline, clock, (message, fraction) -> {}, () -> false);
        JsonNode answer = session.call("consent", args, context);
        if (!answer.path("consented").asBoolean(false)) {
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the person at the machine (" + session.user() + ") did not consent to " + tool + " using the"
                            + " secret " + secret + " for job " + jobId + " ("
                            + answer.path("answer").asText("declined") + ")");
        }
    }
}
