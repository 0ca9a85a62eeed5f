package io.enginex.edge.agent.registration;

import io.enginex.edge.agent.identity.AgentIdentity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a running agent rotates its device key: once the key is older than {@code every}, counted
 * from {@link AgentIdentity#keyCreatedAt()}. Immutable.
 *
 * @param every the key's longest life; zero turns scheduled rotation off
 * @param longestWait the longest single wait before checking again (a laptop that slept past the
 *     due time rotates soon after waking, not a whole wait later)
 * @param retryAfterFailure the wait after a refused or unreachable rotation
 */
public record KeyRotationSchedule(Duration every, Duration longestWait, Duration retryAfterFailure, Clock clock) {
    public KeyRotationSchedule {
        if (every.isNegative()) {
            throw new IllegalArgumentException("--rotate-key-every must not be negative (0 turns rotation off)");
        }
    }

    /** Every {@code every}, checking at least hourly, retrying a failure after min(every, 10 min). */
    public static KeyRotationSchedule every(Duration every, Clock clock) {
        Duration retry = Duration.ofMinutes(10);
        return new KeyRotationSchedule(every, Duration.ofHours(1), every.compareTo(retry) < 0 ? every : retry, clock);
    }

    public boolean enabled() {
        return !every.isZero();
    }

    /**
     * How long to wait before the next check for {@code identity}: zero when its key is due now,
     * never more than {@code longestWait}; empty when the schedule is off.
     */
    public Optional<Duration> untilDue(AgentIdentity identity) {
        if (!enabled()) {
            return Optional.empty();
        }
        Instant due = identity.keyCreatedAt().plus(every);
        Duration wait = Duration.between(clock.instant(), due);
        if (wait.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(wait.compareTo(longestWait) > 0 ? longestWait : wait);
    }
}
