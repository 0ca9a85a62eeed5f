package io.enginex.edge.server.audit;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reading the audit trail, for every front end (the API's query and export, the dashboard's log and
 * the fleet page's refused enrolments): a tenant's events for its admins and owners, hub-wide events
 * for platform keys; filters checked once here; the hash chain verified. Writing is {@link Audit}'s.
 * Thread-safe.
 */
public final class AuditLog {
    /** The most events one page may ask for. */
    public static final int MAX_PAGE = 500;

    private final AuditStore store;
    private final AuditChain chain;
    private final TenantGuard guard;

    public AuditLog(AuditStore store, TenantGuard guard) {
        this.store = store;
        this.chain = new AuditChain(store);
        this.guard = guard;
    }

    /**
     * A filter and a page; nulls mean no filter.
     *
     * @param type an {@link AuditType} wire name
     * @param outcome an {@link Audit.Outcome} wire name
     * @param until exclusive
     * @param before the id of the last event of the previous page
     */
    public record Query(
            String type, String actor, String outcome, Instant since, Instant until, String before, int limit) {}

    /**
     * One page of events, newest first.
     *
     * @param tenant the tenant, or null for the hub-wide events (platform keys only)
     * @return up to {@code limit + 1} events; one more than the limit means there are more
     * @throws HubException.BadRequest for an unknown type or outcome, or a limit outside 1-{@link
     *     #MAX_PAGE}
     * @throws HubException.Forbidden unless an admin of the tenant (or the platform)
     */
    public List<AuditEvent> events(Caller caller, String tenant, Query query) {
        authorise(caller, tenant);
        String type = blankToNull(query.type());
        if (type != null && AuditType.fromWire(type) == null) {
            throw new HubException.BadRequest("type must be one of "
                    + Arrays.stream(AuditType.values()).map(AuditType::wire).collect(Collectors.joining(", "))
                    + "; got \"" + type + "\"");
        }
        String outcome = blankToNull(query.outcome());
        if (outcome != null
                && Arrays.stream(Audit.Outcome.values()).noneMatch(o -> o.wire().equals(outcome))) {
            throw new HubException.BadRequest("outcome must be one of "
                    + Arrays.stream(Audit.Outcome.values())
                            .map(Audit.Outcome::wire)
                            .collect(Collectors.joining(", "))
                    + "; got \"" + outcome + "\"");
        }
        if (query.limit() < 1 || query.limit() > MAX_PAGE) {
            throw new HubException.BadRequest("limit must be 1-" + MAX_PAGE + "; got " + query.limit());
        }
        return store.list(
                tenant,
                type,
                blankToNull(query.actor()),
                outcome,
                query.since(),
                query.until(),
                blankToNull(query.before()),
                query.limit() + 1);
    }

    /** Walks the tenant's (null: the hub-wide) hash chain; same access as {@link #events}. */
    public AuditChain.Report verify(Caller caller, String tenant) {
        authorise(caller, tenant);
        return chain.verify(tenant);
    }

    /**
     * The tenant's refused enrolments ({@code enrolment.failed}) since {@code since}, newest first, at
     * most {@code limit}; for its admins.
     */
    public List<AuditEvent> failedEnrolments(Caller caller, String tenant, Instant since, int limit) {
        authorise(caller, tenant);
        return store.list(tenant, AuditType.ENROLMENT_FAILED.wire(), null, since, null, limit);
    }

    private void authorise(Caller caller, String tenant) {
        if (tenant == null) {
            caller.requirePlatform();
        } else {
            guard.check(caller, tenant);
            caller.requireRole(Role.ADMIN);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
