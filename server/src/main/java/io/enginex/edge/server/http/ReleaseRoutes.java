package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.store.UpdatePinRecord;
import io.enginex.edge.server.update.Releases;
import io.enginex.edge.server.update.RolloutProgress;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * Agent releases of a tenant, over {@link Releases}: {@code /api/v1/tenants/{t}/releases} (each channel of
 * the update repository and its rollout, ring by ring, over the tenant's agents; every role) and {@code
 * /api/v1/tenants/{t}/update-pin} (the tenant's pin: every role reads it, admins set and clear it).
 */
final class ReleaseRoutes {
    private final Releases releases;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    ReleaseRoutes(Releases releases, ApiAccess access, ObjectMapper mapper) {
        this.releases = releases;
        this.access = access;
        this.mapper = mapper;
    }

    /**
     * The tenant's update pin: a channel its agents follow or a version they hold at; {@code pinned}
     * false and no fields when none. {@code reached} only in the answer to a change: the tenant's agents
     * connected to this node that were sent it (the other nodes send it to theirs).
     */
    record PinView(
            String tenant,
            boolean pinned,
            String channel,
            String version,
            String setBy,
            Instant setAt,
            Integer reached) {
        static PinView of(String tenant, UpdatePinRecord pin, Integer reached) {
            return pin == null
                    ? new PinView(tenant, false, null, null, null, null, reached)
                    : new PinView(tenant, true, pin.channel(), pin.version(), pin.setBy(), pin.setAt(), reached);
        }
    }

    /** One ring of a rollout: the buckets it covers and the tenant's agents in it that reported. */
    record RingView(
            int ring,
            int fromBucket,
            int toBucket,
            int agents,
            int attempted,
            int updated,
            int failed,
            int failurePercent) {
        static RingView of(RolloutProgress.RingProgress r) {
            return new RingView(
                    r.ring().number(),
                    r.ring().fromBucket(),
                    r.ring().toBucket(),
                    r.agents(),
                    r.attempted(),
                    r.updated(),
                    r.failed(),
                    r.failurePercent());
        }
    }

    /** The hub's last automatic halt of a channel; {@code active} while the channel is still paused by it. */
    record HaltView(String version, int ring, String reason, Instant at, boolean active) {}

    record ChannelView(
            String channel,
            String version,
            int percent,
            boolean paused,
            List<String> withdrawn,
            HaltView halt,
            List<RingView> rings) {
        static ChannelView of(RolloutProgress p) {
            ChannelState c = p.channel();
            return new ChannelView(
                    c.channel(),
                    c.version(),
                    c.percent(),
                    c.paused(),
                    c.withdrawn(),
                    c.halt() == null
                            ? null
                            : new HaltView(
                                    c.halt().version(),
                                    c.halt().ring(),
                                    c.halt().reason(),
                                    c.halt().at(),
                                    c.activeHalt() != null),
                    p.rings().stream().map(RingView::of).toList());
        }
    }

    record ReleasesView(List<ChannelView> channels) {}

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/releases", this::list);
        routes.get("/api/v1/tenants/{t}/update-pin", this::pin);
        routes.post("/api/v1/tenants/{t}/update-pin", this::setPin);
        routes.delete("/api/v1/tenants/{t}/update-pin", this::clearPin);
    }

    private void pin(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        ctx.json(PinView.of(tenant, releases.pin(caller, tenant).orElse(null), null));
    }

    private void setPin(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        String tenant = ctx.pathParam("t");
        Releases.PinChange change = releases.setPin(
                caller, tenant, body.text("channel", null), body.text("version", null), Origin.api(ctx.ip()));
        ctx.json(PinView.of(tenant, change.pin(), change.reached()));
    }

    private void clearPin(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        Releases.PinChange change = releases.clearPin(caller, tenant, Origin.api(ctx.ip()));
        ctx.json(PinView.of(tenant, null, change.reached()));
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(new ReleasesView(releases.rollouts(caller, ctx.pathParam("t")).stream()
                .map(ChannelView::of)
                .toList()));
    }
}
