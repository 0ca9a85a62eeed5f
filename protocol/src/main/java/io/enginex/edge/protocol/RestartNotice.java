package io.enginex.edge.protocol;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's restart notice: the close reason of {@link Protocol#CLOSE_GOING_AWAY} names the window in
 * which agents should come back, and each agent reconnects after a uniformly random delay within it
 * (full jitter), so a fleet spreads over the window instead of arriving in one second:
 *
 * <pre>{@code
 * close 1001 "hub shutting down; reconnect-window-ms=20000"
 * }</pre>
 *
 * <p>Compatible both ways: an older agent logs the reason and reconnects with its own backoff; an
 * agent reading a reason without the {@code reconnect-window-ms=} token (an older hub) does the same.
 * Further {@code key=value} tokens may follow and are ignored.
 *
 * @param reconnectWindow how long agents should spread their reconnects over
 */
public record RestartNotice(Duration reconnectWindow) {
    /** The smallest window a hub suggests: a restart takes seconds anyway. */
    public static final Duration MIN_WINDOW = Duration.ofSeconds(10);

    /** The largest window a hub suggests, the agents' default backoff cap. */
    public static final Duration MAX_WINDOW = Duration.ofMinutes(5);

    /** Reconnects per second a hub's window is sized for (each one is a token request and an upgrade). */
    public static final int ARRIVALS_PER_SECOND = 500;

    private static final Pattern TOKEN = Pattern.compile("(?:^|[ ;])reconnect-window-ms=(\\d{1,9})(?:$|[ ;])");

    public RestartNotice {
        if (reconnectWindow.isNegative() || reconnectWindow.isZero()) {
            throw new IllegalArgumentException("a reconnect window must be positive, got " + reconnectWindow);
        }
    }

    /**
     * The notice for a hub with {@code agents} connected: {@value #ARRIVALS_PER_SECOND} reconnects a
     * second, between {@link #MIN_WINDOW} and {@link #MAX_WINDOW}.
     */
    public static RestartNotice forFleet(int agents) {
        long seconds = Math.ceilDiv(Math.max(0, agents), ARRIVALS_PER_SECOND);
        Duration window = Duration.ofSeconds(seconds);
        if (window.compareTo(MIN_WINDOW) < 0) {
            window = MIN_WINDOW;
        }
        if (window.compareTo(MAX_WINDOW) > 0) {
            window = MAX_WINDOW;
        }
        return new RestartNotice(window);
    }

    /** The close reason that carries this notice (well under the 123-byte limit of a close frame). */
    public String closeReason() {
        return "hub shutting down; reconnect-window-ms=" + reconnectWindow.toMillis();
    }

    /** The notice in a close reason, if it carries one; anything else is no notice. */
    public static Optional<RestartNotice> parse(String reason) {
        if (reason == null) {
            return Optional.empty();
        }
        Matcher m = TOKEN.matcher(reason);
        if (!m.find()) {
            return Optional.empty();
        }
        long millis = Long.parseLong(m.group(1));
        return millis == 0 ? Optional.empty() : Optional.of(new RestartNotice(Duration.ofMillis(millis)));
    }
}
