package io.enginex.edge.server.registration;

import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.store.DeviceCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records why a machine did not enrol, where the people who can act on it will look: a refusal that
 * names a tenant (its expired, revoked or used-up registration token; a device request one of its
 * admins denied) becomes an {@code enrolment.failed} event in that tenant's audit trail, with the
 * reason, the machine's address and hostname (shown on the fleet page to the tenant's admins). A
 * token the hub does not know names no tenant: it is recorded hub-wide ({@code token.used},
 * failure) and logged, at most one log line per {@link #LOG_INTERVAL} with the number left out, so
 * a flood of guesses cannot flood the log. An attempt refused by a valid token's rate limit is
 * recorded in the token's tenant too ({@code rate_limited}), at most once per token and address in
 * {@link #RATE_LIMITED_INTERVAL}, so a machine retrying in a loop cannot flood the audit trail. Thread-safe.
 */
public final class EnrolmentFailures {
    /** At most one "unknown registration token" log line per this interval. */
    public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(EnrolmentFailures.class);

    /** At most one {@code rate_limited} record per token and source address in this interval. */
    public static final Duration RATE_LIMITED_INTERVAL = Duration.ofMinutes(1);

    /** How many token-and-address pairs the rate-limited throttle remembers (least recently seen go first). */
    static final int RATE_LIMITED_REMEMBERED = 4096;

    private final Audit audit;
    private final Map<String, Instant> rateLimitedAt = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > RATE_LIMITED_REMEMBERED;
        }
    };
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Instant nextLog = Instant.MIN;
    private long suppressed;

    public EnrolmentFailures(Audit audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A registration token of {@code tenantId} was refused.
     *
     * @param reason {@code token_expired}, {@code token_revoked} or {@code token_used}
     * @param hostname what the machine said it is called (may be blank)
     */
    public void tokenRefused(String tenantId, String tokenId, String reason, String hostname, String sourceIp) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("hostname", hostname == null ? "" : hostname);
        details.put("tokenId", tokenId);
        details.put("via", "token");
        audit.record(
                tenantId,
                AuditType.ENROLMENT_FAILED,
                Actor.registrationToken(tokenId),
                sourceIp,
                new Audit.Target("registration_token", tokenId),
                Audit.Outcome.FAILURE,
                details);
    }

    /**
     * An attempt with a registration token of {@code tenantId} that the hub would accept was refused by
     * a rate limit (429); recorded unless this token and address were recorded so within {@link
     * #RATE_LIMITED_INTERVAL}.
     *
     * @return whether it was recorded
     */
    public boolean rateLimited(String tenantId, String tokenId, String hostname, String sourceIp) {
        String key = tokenId + "|" + sourceIp;
        lock.lock();
        try {
            Instant now = clock.instant();
            Instant last = rateLimitedAt.get(key);
            if (last != null && now.isBefore(last.plus(RATE_LIMITED_INTERVAL))) {
                return false;
            }
            rateLimitedAt.put(key, now);
        } finally {
            lock.unlock();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "rate_limited");
        details.put("hostname", hostname == null ? "" : hostname);
        details.put("tokenId", tokenId);
        details.put("via", "token");
        audit.record(
                tenantId,
                AuditType.ENROLMENT_FAILED,
                Actor.registrationToken(tokenId),
                sourceIp,
                new Audit.Target("registration_token", tokenId),
                Audit.Outcome.FAILURE,
                details);
        return true;
    }

    /** A device request was denied by {@code deniedBy} of {@code tenantId} (null: a platform admin). */
    public void deviceDenied(String tenantId, DeviceCode code, Actor deniedBy) {
        audit.record(
                tenantId,
                AuditType.ENROLMENT_FAILED,
                deniedBy,
                code.sourceIp(),
                new Audit.Target("device", code.userCode()),
                Audit.Outcome.FAILURE,
                Map.of(
                        "reason",
                        "device_denied",
                        "hostname",
                        code.hostname(),
                        "userCode",
                        code.userCode(),
                        "via",
                        "device"));
    }

    /** A registration token the hub does not know (or that is not one) was presented. */
    public void unknownToken(String hostname, String sourceIp) {
        audit.record(
                null,
                AuditType.TOKEN_USED,
                Actor.anonymous(null),
                sourceIp,
                Audit.Target.NONE,
                Audit.Outcome.FAILURE,
                Map.of("reason", "token_unknown"));
        long left;
        lock.lock();
        try {
            Instant now = clock.instant();
            if (now.isBefore(nextLog)) {
                suppressed++;
                return;
            }
            nextLog = now.plus(LOG_INTERVAL);
            left = suppressed;
            suppressed = 0;
        } finally {
            lock.unlock();
        }
        log.atWarn()
                .addKeyValue("hostname", hostname)
                .addKeyValue("sourceIp", sourceIp)
                .addKeyValue("notLogged", left)
                .log("registration refused: unknown registration token (notLogged = refusals since the last line)");
    }
}
