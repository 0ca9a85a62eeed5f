package io.enginex.edge.server.registration;

import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DeviceCode;
import io.enginex.edge.server.store.Transactions;
import java.util.List;
import java.util.Map;

/**
 * Device approvals (the OAuth 2.0 device authorization grant, RFC 8628), for every front end: the
 * agent starts and polls ({@link DeviceAuthorizations}), and an admin of the tenant (or a platform
 * key) looks a user code up and approves or denies it, from the API or the dashboard. Approving and
 * denying authorise the caller, write the decision and its audit events in one transaction, and tell
 * live views; the look-up budgets stay with the adapters. Thread-safe.
 */
public final class DeviceApprovals {
    private final DeviceAuthorizations devices;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;

    public DeviceApprovals(
            DeviceAuthorizations devices, Audit audit, TenantGuard guard, Transactions tx, LiveViews live) {
        this.devices = devices;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
    }

    /** A machine asks to enrol (no credential). See {@link DeviceAuthorizations#start}. */
    public DeviceAuthorizations.Started start(DeviceAuthorizations.Request request, String sourceIp) {
        return devices.start(request, sourceIp);
    }

    /** The machine polls for its agent. See {@link DeviceAuthorizations#poll}. */
    public Agent poll(String deviceCode) {
        return devices.poll(deviceCode);
    }

    /**
     * A pending request as {@code caller} (an admin, or the platform) may see it.
     *
     * @throws HubException.NotFound {@code device_code_not_found}
     */
    public DeviceAuthorizations.Pending find(Caller caller, String userCode) {
        caller.requireRole(Role.ADMIN);
        return devices.find(userCode, caller.tenantId());
    }

    /** The tenant's queue of pending requests, oldest first (admins of the tenant, or the platform). */
    public List<DeviceAuthorizations.Pending> pending(Caller caller, String tenant) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return devices.pending(tenant);
    }

    /**
     * Approves a request into {@code tenant}: the agent, {@code device.approved} and {@code
     * agent.enrolled} commit together; then live views are told.
     *
     * @param tenant the tenant to enrol into, or null for the caller's own
     * @throws HubException.BadRequest when a platform key names no tenant, or a label is malformed
     * @throws HubException.NotFound {@code device_code_not_found}
     * @throws HubException.Conflict {@code device_code_decided} when someone else decided it first
     */
    public Agent approve(Caller caller, String userCode, String tenant, List<String> labels, Origin origin) {
        caller.requireRole(Role.ADMIN);
        String into = tenant == null ? caller.tenantId() : tenant;
        if (into == null) {
            throw new HubException.BadRequest("tenant is required with a platform key");
        }
        guard.checkWrite(caller, into);
        Agent agent = tx.inTransaction(() -> {
            Agent made = devices.approve(userCode, into, labels, caller.actorId());
            Actor actor = Actor.of(caller);
            audit.record(
                    into,
                    AuditType.DEVICE_APPROVED,
                    actor,
                    origin.sourceIp(),
                    new Audit.Target("agent", made.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of(
                            "hostname",
                            made.hostname(),
                            "labels",
                            made.labels(),
                            "keyFingerprint",
                            KeyFingerprint.ofBase64(made.publicKey()))));
            audit.record(
                    into,
                    AuditType.AGENT_ENROLLED,
                    actor,
                    origin.sourceIp(),
                    new Audit.Target("agent", made.id()),
                    Audit.Outcome.SUCCESS,
                    Map.of("hostname", made.hostname(), "labels", made.labels(), "via", "device"));
            return made;
        });
        live.changed(into);
        return agent;
    }

    /**
     * Denies a request the caller may see: the decision, its failed enrolment (see {@link
     * EnrolmentFailures}) and {@code device.denied} commit together; then live views are told.
     *
     * @throws HubException.NotFound {@code device_code_not_found}
     * @throws HubException.Conflict {@code device_code_decided}
     */
    public DeviceCode deny(Caller caller, String userCode, Origin origin) {
        caller.requireRole(Role.ADMIN);
        caller.requireWrite();
        DeviceCode code = tx.inTransaction(() -> {
            DeviceCode denied = devices.deny(userCode, caller.tenantId(), Actor.of(caller));
            audit.record(
                    denied.tenantId() != null ? denied.tenantId() : caller.tenantId(),
                    AuditType.DEVICE_DENIED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("device", denied.userCode()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("hostname", denied.hostname())));
            return denied;
        });
        String tenant = code.tenantId() != null ? code.tenantId() : caller.tenantId();
        if (tenant != null) {
            live.changed(tenant);
        }
        return code;
    }
}
