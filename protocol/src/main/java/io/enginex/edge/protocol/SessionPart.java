package io.enginex.edge.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * A user session part connected to the agent's service ({@code enginex-agent session}, one per signed-in
 * user): who, which kind of session, since when. Nothing else of the session travels (no display or bus
 * addresses). Travels in {@link AgentState#sessionParts()}.
 *
 * <pre>{@code
 * {"user":"alice","type":"wayland","since":"2026-12-05T08:01:44Z"}
 * }</pre>
 *
 * @param user the account, as the kernel named the peer of the local socket
 * @param type {@code XDG_SESSION_TYPE} as the session reported it ({@code x11}, {@code wayland},
 *     {@code tty}), or {@code unknown}
 * @param since when it connected to the service
 */
public record SessionPart(String user, String type, Instant since) {
    /** Longest user name and session type that travel; longer ones are cut. */
    public static final int MAX_TEXT = 64;

    public SessionPart {
        Messages.requireText(user, "sessionParts.user");
        Objects.requireNonNull(since, "sessionParts.since is required");
        user = cut(user);
        type = type == null || type.isBlank() ? "unknown" : cut(type);
    }

    private static String cut(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }
}
