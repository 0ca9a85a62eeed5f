package io.enginex.edge.agent.registration;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.CurrentIdentity;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a running agent's device key on its {@link KeyRotationSchedule}: a check runs when the key
 * is due (or after the schedule's longest wait), re-reads the {@link CurrentIdentity} (so a rotation
 * made meanwhile by {@code identity rotate} moves the due time), and rotates with {@link
 * KeyRotation}, which saves the new key; the connection then uses it from its next attempt. A
 * refused rotation keeps the old key, an unanswered one keeps both until a connection settles which
 * the hub holds; either is retried after {@link KeyRotationSchedule#retryAfterFailure()}.
 *
 * <p>Threads: checks and rotations (blocking HTTP) run on the injected executor, which should not be
 * the heartbeat scheduler. Stops when that executor is shut down.
 */
public final class ScheduledKeyRotation {
    private static final Logger log = LoggerFactory.getLogger(ScheduledKeyRotation.class);

    private final KeyRotationSchedule schedule;
    private final CurrentIdentity identity;
    private final KeyRotation rotation;
    private final ScheduledExecutorService executor;

    public ScheduledKeyRotation(
            KeyRotationSchedule schedule,
            CurrentIdentity identity,
            KeyRotation rotation,
            ScheduledExecutorService executor) {
        this.schedule = schedule;
        this.identity = identity;
        this.rotation = rotation;
        this.executor = executor;
    }

    /** Schedules the first check; does nothing when the schedule is off. */
    public void start() {
        if (schedule.enabled()) {
            submit(Duration.ZERO);
        }
    }

    private void check() {
        AgentIdentity current = identity.get();
        Optional<Duration> wait = schedule.untilDue(current);
        if (wait.isEmpty()) {
            return;
        }
        if (!wait.get().isZero()) {
            submit(wait.get());
            return;
        }
        try {
            AgentIdentity rotated = rotation.rotate(current);
            log.atInfo()
                    .addKeyValue("agentId", rotated.agentId())
                    .addKeyValue("oldKey", current.fingerprint())
                    .addKeyValue("newKey", rotated.fingerprint())
                    .addKeyValue("every", schedule.every())
                    .log("device key rotated on schedule");
            submit(schedule.untilDue(identity.get()).orElse(schedule.longestWait()));
        } catch (RuntimeException e) { // RegistrationException, or an identity file that cannot be saved
            log.atWarn()
                    .addKeyValue("agentId", current.agentId())
                    .addKeyValue("retryIn", schedule.retryAfterFailure())
                    .log("scheduled key rotation failed: " + e.getMessage());
            submit(schedule.retryAfterFailure());
        }
    }

    private void submit(Duration delay) {
        try {
            executor.schedule(this::check, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The agent is stopping.
        }
    }
}
