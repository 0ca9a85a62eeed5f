package io.enginex.edge.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * A user session part started or ended at the agent's service, at the time the agent saw it: what the
 * agent could not tell the hub live (it was offline) travels this way later, in {@link
 * AgentState#sessionEvents()}, and the hub acknowledges it with a {@link SessionEventsAck}. The hub
 * stores each event once, by agent, user, part ({@code since}) and event, so a resend changes nothing,
 * and a change the list of session parts also shows (the part is still connected when the agent
 * reconnects, or gone from its list) is audited once, from the event.
 *
 * <pre>{@code
 * {"user":"alice","type":"wayland","event":"started","since":"2026-12-05T07:58:02Z","at":"2026-12-05T07:58:02Z"}
 * {"user":"alice","type":"wayland","event":"ended","since":"2026-12-05T07:58:02Z","at":"2026-12-05T08:30:11Z"}
 * }</pre>
 *
 * @param user the account, as the kernel named the peer of the local socket
 * @param type {@code XDG_SESSION_TYPE} as the session reported it, or {@code unknown}
 * @param event {@code started} or {@code ended}
 * @param since when the part connected (its {@link SessionPart#since()}); for {@code started} it is {@code at}
 * @param at when the agent's service saw it happen (the agent's clock)
 */
public record SessionEvent(String user, String type, String event, Instant since, Instant at) {
    public static final String STARTED = "started";
    public static final String ENDED = "ended";

    public SessionEvent {
        Messages.requireText(user, "sessionEvents.user");
        Objects.requireNonNull(since, "sessionEvents.since is required");
        Objects.requireNonNull(at, "sessionEvents.at is required");
        if (!STARTED.equals(event) && !ENDED.equals(event)) {
            throw new IllegalArgumentException("sessionEvents.event must be started or ended; got " + event);
        }
        user = cut(user);
        type = type == null || type.isBlank() ? "unknown" : cut(type);
    }

    /** A part connected at {@code part.since()}. */
    public static SessionEvent started(SessionPart part) {
        return new SessionEvent(part.user(), part.type(), STARTED, part.since(), part.since());
    }

    /** A part that connected at {@code part.since()} left at {@code at}. */
    public static SessionEvent ended(SessionPart part, Instant at) {
        return new SessionEvent(part.user(), part.type(), ENDED, part.since(), at);
    }

    private static String cut(String text) {
        return text.length() > SessionPart.MAX_TEXT ? text.substring(0, SessionPart.MAX_TEXT) : text;
    }
}
