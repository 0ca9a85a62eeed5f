package io.enginex.edge.server.http;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.update.Releases;
import io.enginex.edge.server.update.RolloutProgress;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
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
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(new ReleasesView(releases.rollouts(caller, ctx.pathParam("t")).stream()
                .map(ChannelView::of)
                .toList()));
    }
}
