package io.enginex.edge.agent.connection;

import java.time.Duration;

/**
 * Timing of the connection loop. Immutable.
 *
 * @param backoffBase first reconnect window (default 1 s)
 * @param backoffCap largest reconnect window (default 5 min)
 * @param welcomeTimeout how long to wait for {@code welcome} after sending {@code hello}
 * @param closeTimeout how long a closing handshake may take before the socket is aborted
 * @param hubsCheck how often the loop reads the identity file for a changed list of hub addresses
 *     ({@code enginex-agent identity hubs --set}) while it runs (default 5 s)
 */
public record ConnectionSettings(
        Duration backoffBase, Duration backoffCap, Duration welcomeTimeout, Duration closeTimeout, Duration hubsCheck) {
    public static final ConnectionSettings DEFAULT = new ConnectionSettings(
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            Duration.ofSeconds(15),
            Duration.ofSeconds(3),
            Duration.ofSeconds(5));

    public ConnectionSettings {
        if (backoffCap.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException(
                    "--backoff-cap " + backoffCap + " is below --backoff-base " + backoffBase);
        }
    }

    public ConnectionSettings withBackoff(Duration base, Duration cap) {
        return new ConnectionSettings(base, cap, welcomeTimeout, closeTimeout, hubsCheck);
    }
}
