package io.enginex.edge.server.http;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.update.Releases;
import io.enginex.edge.server.update.RolloutProgress;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Agent releases of a tenant: {@code /api/v1/tenants/{t}/releases}, over {@link Releases}: each channel
 * of the update repository and its rollout, ring by ring, over the tenant's agents.
 */
final class ReleaseRoutes {
    private final Releases releases;
    private final ApiAccess access;

    ReleaseRoutes(Releases releases, ApiAccess access) {
        this.releases = releases;
        this.access = access;
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

    record ChannelView(
            String channel, String version, int percent, boolean paused, List<String> withdrawn, List<RingView> rings) {
        static ChannelView of(RolloutProgress p) {
            ChannelState c = p.channel();
            return new ChannelView(
                    c.channel(),
                    c.version(),
                    c.percent(),
                    c.paused(),
                    c.withdrawn(),
                    p.rings().stream().map(RingView::of).toList());
        }
    }

    record ReleasesView(List<ChannelView> channels) {}

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/releases", this::list);
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(new ReleasesView(releases.rollouts(caller, ctx.pathParam("t")).stream()
                .map(ChannelView::of)
                .toList()));
    }
}
