package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.tools.SecretConsent;
import io.enginex.edge.agent.tools.ToolConsent;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the person signed in at the machine whether a job may use a secret defined with {@code use:
 * consent}: the request is put on the {@link ConsentDesk} (where the status page shows it with Allow /
 * Deny) and their session part's {@code consent} action shows a dialog on their display; the first
 * answer wins and the other place is closed (the dialog) or told "already answered" (the page). When no
 * dialog can be shown (Linux without {@code zenity}, no graphical session) the session part's
 * notification, if it can show one, points to the status page. Default deny: nobody signed in, several
 * people signed in (the agent cannot tell who is at the machine), no answer before {@link #WINDOW} (or
 * the job's deadline) or "Deny" all refuse the use. The same asks before a tool the policy marks {@code
 * consentRequired} runs; both kinds of request end with the same codes and evidence. Thread-safe.
 */
public final class SessionConsent implements SecretConsent, ToolConsent {
    private static final Logger log = LoggerFactory.getLogger(SessionConsent.class);

    /** How long the person has to answer (less when the job's deadline comes first). */
    public static final Duration WINDOW = Duration.ofSeconds(60);

    private final SessionRegistry sessions;
    private final ConsentDesk desk;
    private final Clock clock;

    public SessionConsent(SessionRegistry sessions, ConsentDesk desk, Clock clock) {
        this.sessions = sessions;
        this.desk = desk;
        this.clock = clock;
    }

    /**
     * Asks before a job (or graph step) uses a secret defined {@code use: consent}: the one user signed
     * in; nobody or several signed in is {@code no_user_session}. A decided request is told to {@code
     * evidence} as a tool's is, and a Deny or no answer ends as a tool's does ({@code consent_denied},
     * {@code consent_timeout}).
     */
    @Override
    public void ask(
            String jobId,
            String tool,
            String secret,
            Instant deadline,
            String requestedBy,
            Consumer<ObjectNode> evidence) {
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
        ConsentDesk.Request request =
                desk.open(session.user(), jobId, tool, secret, null, requestedBy, expires(deadline));
        ConsentDesk.Answer answer = decide(session, request);
        evidence.accept(evidence(request, answer));
        if (!answer.allowed()) {
            throw new ToolException(
                    answer.by() == null ? ErrorCodes.CONSENT_TIMEOUT : ErrorCodes.CONSENT_DENIED,
                    "the person at the machine (" + session.user() + ") did not consent to " + tool + " using the"
                            + " secret " + secret + " for job " + jobId + ": " + answer.describe());
        }
    }

    /**
     * Asks before a tool the policy marks {@code consentRequired} runs. Whom: the user the call names
     * ({@code user}, as the desktop tools take it) if that user's session part is connected; else the
     * one user signed in; nobody signed in is {@code no_user_session}, several and none named {@code
     * consent_unavailable}. The person is shown who asked for the job ({@code requestedBy}, when known)
     * and the evidence records it.
     */
    @Override
    public void ask(
            String jobId,
            String tool,
            JsonNode args,
            Instant deadline,
            String requestedBy,
            Consumer<ObjectNode> evidence) {
        Map<String, UserSession> connected = sessions.connected();
        String named = args.path("user").asText("");
        UserSession session;
        if (!named.isEmpty()) {
            session = connected.get(named);
            if (session == null) {
                throw new ToolException(
                        ErrorCodes.NO_USER_SESSION,
                        "the tool " + tool + " needs the consent of " + named + " (consentRequired in the policy),"
                                + " and " + named + " has no session part connected (connected: "
                                + (connected.isEmpty() ? "nobody" : String.join(", ", connected.keySet()))
                                + "); it was not run");
            }
        } else if (connected.isEmpty()) {
            throw new ToolException(
                    ErrorCodes.NO_USER_SESSION,
                    "the tool " + tool + " needs the consent of the person at the machine (consentRequired in the"
                            + " policy), and nobody is signed in with the agent's session part running to be asked;"
                            + " it was not run. The session part starts at login (enginex-agent session,"
                            + " docs/INSTALL.md \"The user session part\")");
        } else if (connected.size() > 1) {
            throw new ToolException(
                    ErrorCodes.CONSENT_UNAVAILABLE,
                    "the tool " + tool + " needs the consent of the person at the machine (consentRequired in the"
                            + " policy), and several users are signed in (" + String.join(", ", connected.keySet())
                            + "); name the one to ask in the call's user argument. It was not run");
        } else {
            session = connected.values().iterator().next();
        }
        String shown = args.toString();
        if (shown.length() > SHOWN_CHARS) {
            shown = shown.substring(0, SHOWN_CHARS) + "…";
        }
        ConsentDesk.Request request =
                desk.open(session.user(), jobId, tool, null, shown, requestedBy, expires(deadline));
        ConsentDesk.Answer answer = decide(session, request);
        evidence.accept(evidence(request, answer));
        if (answer.allowed()) {
            return;
        }
        boolean timedOut = answer.by() == null;
        throw new ToolException(
                timedOut ? ErrorCodes.CONSENT_TIMEOUT : ErrorCodes.CONSENT_DENIED,
                "the person at the machine (" + session.user() + ") did not consent to running " + tool + " for job "
                        + jobId + ": " + answer.describe() + "; it was not run");
    }

    /** How many characters of a call's arguments the person is shown (the rest is cut, marked …). */
    static final int SHOWN_CHARS = 1500;

    /** The structured record of a decided request, as the hub stores and shows it. */
    static ObjectNode evidence(ConsentDesk.Request request, ConsentDesk.Answer answer) {
        ObjectNode out = JsonNodeFactory.instance
                .objectNode()
                .put("request", request.id())
                .put("user", request.user())
                .put("tool", request.tool())
                .put("shown", request.shown())
                .put("askedAt", request.asked().toString())
                .put("answer", answer.allowed() ? "allowed" : answer.by() == null ? answer.via() : "denied")
                .put("via", answer.via())
                .put("answeredAt", answer.at().toString());
        if (answer.by() != null) {
            out.put("answeredBy", answer.by());
        }
        if (request.requestedBy() != null) {
            out.put("requestedBy", request.requestedBy());
        }
        return out;
    }

    private Instant expires(Instant deadline) {
        Instant window = clock.instant().plus(WINDOW);
        return deadline.isBefore(window) ? deadline : window;
    }

    /** Shows the dialog and waits for the first answer (the dialog's, the page's or the timeout). */
    private ConsentDesk.Answer decide(UserSession session, ConsentDesk.Request request) {
        String jobId = request.jobId();
        Thread dialog = Thread.ofVirtual().name("consent-dialog").start(() -> dialog(session, request));
        ConsentDesk.Answer answer;
        try {
            answer = desk.await(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(session, request, dialog);
            throw new ToolException(ErrorCodes.CANCELLED, "job " + jobId + " was stopped while it waited for consent");
        }
        if (!answer.via().equals("dialog")) {
            close(session, request, dialog);
        }
        return answer;
    }

    /** Shows the dialog; an Allow or Deny there answers the request, anything else leaves it to the page. */
    private void dialog(UserSession session, ConsentDesk.Request request) {
        long seconds = Math.max(1, request.left(clock.instant()).toSeconds());
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        if (request.secret() != null) {
            args.put("secret", request.secret());
        } else {
            args.put("details", request.details());
        }
        if (request.requestedBy() != null) {
            args.put("requestedBy", request.requestedBy());
        }
        args.put("tool", request.tool())
                .put("jobId", request.jobId())
                .put("request", request.id())
                .put("seconds", seconds);
        try {
            JsonNode out = session.call("consent", args, context(request, 5));
            String said = out.path("answer").asText("");
            if (said.equals("allowed") || said.equals("denied")) {
                desk.answer(request.id(), session.user(), said.equals("allowed"), "dialog");
                return;
            }
            if (!said.equals("closed") && desk.isPending(request.id())) {
                pointToPage(session, request, said);
            }
        } catch (ToolException e) {
            if (desk.isPending(request.id())) {
                pointToPage(session, request, e.getMessage());
            }
        }
    }

    /** No dialog: a notification tells the person the status page has the question (best effort). */
    private void pointToPage(UserSession session, ConsentDesk.Request request, String why) {
        log.atInfo()
                .addKeyValue("user", session.user())
                .addKeyValue("jobId", request.jobId())
                .log("no consent dialog could be shown (" + why + "); the request waits on the status page");
        JsonNode args = JsonNodeFactory.instance
                .objectNode()
                .put("summary", "EngineX Edge asks for your consent")
                .put(
                        "body",
                        (request.secret() != null
                                        ? "A job wants to use the secret " + request.secret() + " in " + request.tool()
                                        : "A job wants to run " + request.tool())
                                + (request.requestedBy() == null ? "" : ", asked by " + request.requestedBy())
                                + ". Allow or"
                                + " deny it on the agent's status page (run: enginex-agent ui) within "
                                + request.left(clock.instant()).toSeconds() + " s.");
        try {
            session.call("notify", args, context(request, 0));
        } catch (ToolException e) {
            // No notification either: the page is the only place, as the log line says.
        }
    }

    /** Closes the dialog, if still up, of a request the page (or the timeout) decided. */
    private void close(UserSession session, ConsentDesk.Request request, Thread dialog) {
        if (!dialog.isAlive()) {
            return;
        }
        Thread.ofVirtual().name("consent-close").start(() -> {
            try {
                session.call(
                        "consent-close",
                        JsonNodeFactory.instance.objectNode().put("request", request.id()),
                        ToolContext.detached(request.jobId(), clock.instant().plusSeconds(10), clock));
            } catch (ToolException e) {
                // An older session part, or one gone: its dialog ends at its own timeout.
            }
        });
    }

    private ToolContext context(ConsentDesk.Request request, long graceSeconds) {
        return ToolContext.detached(request.jobId(), request.expires().plusSeconds(graceSeconds), clock);
    }
}
