package io.enginex.edge.server.update;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.AgentUpdateStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * Agent releases as a tenant sees them: the update repository's channels and, ring by ring, how far
 * each channel's release has gone over the tenant's own agents (from their update reports). Every
 * role of the tenant may read them. Thread-safe.
 */
public final class Releases {
    private final Supplier<List<ChannelState>> channels;
    private final AgentUpdateStore updates;
    private final TenantGuard guard;

    /** @param channels the repository's channels (read on each call; empty without a repository) */
    public Releases(Supplier<List<ChannelState>> channels, AgentUpdateStore updates, TenantGuard guard) {
        this.channels = channels;
        this.updates = updates;
        this.guard = guard;
    }

    /** Each channel with its rollout over the tenant's agents (no rings for a channel without a version). */
    public List<RolloutProgress> rollouts(Caller caller, String tenant) {
        guard.check(caller, tenant);
        var reports = updates.list(tenant);
        return channels.get().stream().map(c -> RolloutProgress.of(c, reports)).toList();
    }
}
