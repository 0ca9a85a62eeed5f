package io.enginex.edge.server.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.DeviceAuthorizations;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DeviceCode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The device authorization grant (RFC 8628). Agent side, no credential: {@code POST
 * /api/v1/agent/device/authorize} and {@code POST /api/v1/agent/device/token} (RFC field names,
 * errors in the hub's shape with the RFC's codes). Approver side, an admin: {@code GET
 * /api/v1/device/{code}}, {@code POST …/approve}, {@code POST …/deny}, and the queue of a tenant's
 * pending requests, {@code GET /api/v1/tenants/{t}/devices?status=pending}. Starting and looking up are
 * rate-limited per source address, so user codes cannot be guessed by brute force.
 */
final class DeviceRoutes {
    private final DeviceApprovals devices;
    private final ApiAccess access;
    private final Limits limits;
    private final Supplier<String> baseUrl;
    private final ObjectMapper mapper;

    /** The per-address budgets: starting a request, polling, and looking user codes up. */
    record Limits(RateLimiter start, RateLimiter poll, RateLimiter lookup) {}

    DeviceRoutes(
            DeviceApprovals devices, ApiAccess access, Limits limits, Supplier<String> baseUrl, ObjectMapper mapper) {
        this.devices = devices;
        this.access = access;
        this.limits = limits;
        this.baseUrl = baseUrl;
        this.mapper = mapper;
    }

    record Authorization(
            @JsonProperty("device_code") String deviceCode,
            @JsonProperty("user_code") String userCode,
            @JsonProperty("verification_uri") String verificationUri,
            @JsonProperty("verification_uri_complete") String verificationUriComplete,
            @JsonProperty("expires_in") long expiresIn,
            int interval) {}

    record Granted(String agentId, String tenant, List<String> labels) {}

    record PendingView(
            String userCode,
            String tenant,
            String hostname,
            String os,
            String arch,
            String user,
            String agentVersion,
            String keyFingerprint,
            String sourceIp,
            Instant requestedAt,
            Instant expiresAt) {}

    static PendingView view(DeviceAuthorizations.Pending pending) {
        DeviceCode c = pending.code();
        return new PendingView(
                c.userCode(),
                c.tenantId(),
                c.hostname(),
                c.os(),
                c.arch(),
                c.username(),
                c.agentVersion(),
                pending.keyFingerprint(),
                c.sourceIp(),
                c.createdAt(),
                c.expiresAt());
    }

    record Decision(String userCode, String status, String agentId, String tenant, List<String> labels) {}

    void register(RoutesConfig routes) {
        routes.post("/api/v1/agent/device/authorize", this::authorize, ApiTrait.PUBLIC);
        routes.post("/api/v1/agent/device/token", this::token, ApiTrait.PUBLIC);
        routes.get("/api/v1/device/{code}", this::show);
        routes.post("/api/v1/device/{code}/approve", this::approve);
        routes.post("/api/v1/device/{code}/deny", this::deny);
        routes.get("/api/v1/tenants/{t}/devices", this::list);
    }

    private void authorize(Context ctx) {
        limits.start().acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        var started = devices.start(
                new DeviceAuthorizations.Request(
                        body.text("publicKey", null),
                        body.text("hostname", null),
                        body.text("os", null),
                        body.text("arch", null),
                        body.text("user", null),
                        body.text("agentVersion", null),
                        body.text("machineId", null),
                        body.text("tenant", null)),
                ctx.ip());
        String uri = baseUrl.get() + "/device";
        ctx.header("Cache-Control", "no-store");
        ctx.json(new Authorization(
                started.deviceCode(),
                started.userCode(),
                uri,
                uri + "?user_code=" + started.userCode(),
                DeviceAuthorizations.TTL.toSeconds(),
                started.interval()));
    }

    private void token(Context ctx) {
        limits.poll().acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        Agent agent = devices.poll(body.text("device_code", null));
        ctx.header("Cache-Control", "no-store");
        ctx.json(new Granted(agent.id(), agent.tenantId(), agent.labels()));
    }

    private void show(Context ctx) {
        Caller caller = approver(ctx);
        ctx.json(view(devices.find(caller, ctx.pathParam("code"))));
    }

    /** The tenant's queue: its pending requests, oldest first (an admin of the tenant, or the platform). */
    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !status.equals("pending")) {
            throw new HubException.BadRequest(
                    "only pending device requests are listed (status=pending); decided ones are in the audit log");
        }
        ctx.json(devices.pending(caller, ctx.pathParam("t")).stream()
                .map(DeviceRoutes::view)
                .toList());
    }

    private void approve(Context ctx) {
        Caller caller = approver(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        String code = ctx.pathParam("code");
        Agent agent =
                devices.approve(caller, code, body.text("tenant", null), body.textList("labels"), Origin.api(ctx.ip()));
        ctx.json(new Decision(code, "approved", agent.id(), agent.tenantId(), agent.labels()));
    }

    private void deny(Context ctx) {
        Caller caller = approver(ctx);
        DeviceCode code = devices.deny(caller, ctx.pathParam("code"), Origin.api(ctx.ip()));
        ctx.json(new Decision(code.userCode(), "denied", null, null, List.of()));
    }

    /** The caller, rate-limited per address and per caller so user codes cannot be guessed. */
    private Caller approver(Context ctx) {
        limits.lookup().acquire(ctx.ip());
        Caller caller = access.caller(ctx);
        limits.lookup().acquire("caller:" + caller.actorId());
        return caller;
    }
}
