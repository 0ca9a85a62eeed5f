package io.enginex.edge.server.http;

import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.RegistrationTokenStore;
import io.enginex.edge.server.store.Tenant;
import io.enginex.edge.server.store.TenantStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The rate limits of {@code POST /api/v1/agent/register}, decided before the token is redeemed.
 *
 * <ul>
 *   <li>An attempt with a token the hub would accept (known, not expired, revoked or used up) spends
 *       that token's budget for its source address: the token's own rate, else its tenant's, else the
 *       hub's {@code --enrolment-rate-limit}. So a fleet behind one NAT address enrols as fast as its
 *       token allows.
 *   <li>Every other attempt (an unknown, expired, revoked or used-up token, or none) spends the
 *       address's hub-wide budget for failed attempts, which no tenant or token can raise: guessing
 *       tokens stays slow.
 *   <li>Every attempt with a token also spends that token's budget across all addresses (the hub's
 *       per-token limit, or the token's own rate if higher).
 * </ul>
 *
 * A refusal is {@link io.enginex.edge.server.HubException.RateLimited} (429 with {@code Retry-After})
 * whose message names the setting to change. Thread-safe; the budgets are the given limiter's (global
 * across the hub's nodes on PostgreSQL, see {@link io.enginex.edge.server.ratelimit.RateLimits}).
 */
final class EnrolmentLimiter {
    private final RegistrationTokenStore tokens;
    private final TenantStore tenants;
    private final RateLimiter limiter;
    private final int failedPerMinute;
    private final int defaultPerMinute;
    private final int perTokenPerMinute;
    private final Clock clock;

    /**
     * @param failedPerMinute attempts per address and minute with a token the hub does not accept
     * @param defaultPerMinute the hub's enrolment budget per valid token and address
     * @param perTokenPerMinute attempts per token and minute from all addresses together
     * @param limiter holds the budgets; its default budget is unused (each attempt names its own)
     */
    EnrolmentLimiter(
            RegistrationTokenStore tokens,
            TenantStore tenants,
            int failedPerMinute,
            int defaultPerMinute,
            int perTokenPerMinute,
            RateLimiter limiter,
            Clock clock) {
        this.tokens = tokens;
        this.tenants = tenants;
        this.limiter = limiter;
        this.failedPerMinute = failedPerMinute;
        this.defaultPerMinute = defaultPerMinute;
        this.perTokenPerMinute = perTokenPerMinute;
        this.clock = clock;
    }

    /** A budget and where it was set, for the refusal's message. */
    record Budget(int perMinute, String source) {}

    /**
     * Spends one registration attempt from {@code address} with {@code presented} (null: no token).
     *
     * @throws io.enginex.edge.server.HubException.RateLimited if the budget that applies is spent
     */
    void acquire(String presented, String address) {
        if (presented == null) {
            spendFailed(address);
            return;
        }
        String hash = Secrets.hash(presented);
        Optional<RegistrationToken> token = tokens.findByHash(hash).filter(this::usable);
        if (token.isEmpty()) {
            spendFailed(address);
            limiter.acquire("token:" + hash, perTokenPerMinute, "too many registration attempts with this token");
            return;
        }
        RegistrationToken t = token.get();
        Budget budget = budget(t);
        limiter.acquire(
                "token:" + hash,
                Math.max(perTokenPerMinute, budget.perMinute()),
                "too many registration attempts with this token");
        limiter.acquire("enrol:" + t.id() + "|" + address, budget.perMinute(), refusal(t, budget));
    }

    /** The budget of a valid token: its own, else its tenant's, else the hub's. */
    Budget budget(RegistrationToken t) {
        if (t.ratePerMinute() != null) {
            return new Budget(t.ratePerMinute(), "set on token " + t.id());
        }
        Integer tenantRate =
                tenants.find(t.tenantId()).map(Tenant::enrolmentRatePerMinute).orElse(null);
        if (tenantRate != null) {
            return new Budget(tenantRate, "set for tenant " + t.tenantId());
        }
        return new Budget(defaultPerMinute, "the hub's default");
    }

    private boolean usable(RegistrationToken t) {
        Instant now = clock.instant();
        return t.revokedAt() == null && t.uses() < t.maxUses() && t.expiresAt().isAfter(now);
    }

    private void spendFailed(String address) {
        limiter.acquire(
                "failed|" + address,
                failedPerMinute,
                "too many registration attempts from this address with a token the hub does not accept (unknown,"
                        + " expired, revoked or used up) or none; check the token with your admin (engine tokens"
                        + " list). This limit (" + EnrolmentRate.format(failedPerMinute) + " per address) guards"
                        + " against guessing tokens; valid tokens do not spend it");
    }

    private static String refusal(RegistrationToken t, Budget budget) {
        String rate = "200/min";
        return "too many enrolments from this address with registration token " + t.id() + " ("
                + EnrolmentRate.format(budget.perMinute()) + ", " + budget.source() + "); raise the budget for a"
                + " fleet behind one address with a token made by `engine tokens create --tenant " + t.tenantId()
                + " --rate-limit " + rate + "`, for the tenant with `engine tenants update " + t.tenantId()
                + " --enrolment-rate-limit " + rate + "`, or hub-wide with `engine serve --enrolment-rate-limit "
                + rate + "`";
    }
}
