package io.enginex.edge.server.update;

import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.Audit.Outcome;
import io.enginex.edge.server.audit.Audit.Target;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automatic halt: for each channel that rolls a release out (a version, not paused), counts the
 * failures of each ring of its rollout over the whole fleet (every tenant's agents' update reports)
 * and, when a ring's failure rate passes the channel's threshold ({@link UpdateRepository#haltPercent}),
 * halts the rollout as {@code engine release pause} would, with the ring's numbers as the reason (signed
 * into the channel file and written to the release log; counts only, no agent, tenant or reason of an
 * agent). A ring halted once for a release is not halted again after an admin resumed it; a ring added
 * later is watched anew.
 *
 * <p>Each halt is also an audit event ({@code release.halted}): in the platform's trail with the
 * fleet's counts, and in the trail of every tenant with agents on the channel with that tenant's own
 * counts only, so a tenant admin learns why their machines stopped updating without learning anything
 * of other tenants.
 *
 * <p>Run by the hub's timer on the leading node only, so several nodes never halt twice. When the
 * targets key is not on the hub the halt cannot be signed: it is logged (once a minute) for an admin to
 * run {@code engine release pause}. Never throws.
 */
public final class RolloutGuard implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RolloutGuard.class);

    private final UpdateRepository repository;
    private final AgentUpdateStore updates;
    private final List<Path> keyDirs;
    private final RepeatedLog repeats;
    private final Audit audit;

    public RolloutGuard(
            UpdateRepository repository,
            AgentUpdateStore updates,
            List<Path> keyDirs,
            RepeatedLog repeats,
            Audit audit) {
        this.repository = repository;
        this.updates = updates;
        this.keyDirs = List.copyOf(keyDirs);
        this.repeats = repeats;
        this.audit = audit;
    }

    @Override
    public void run() {
        for (ChannelState channel : repository.channelsIfAny()) {
            if (channel.version() == null || channel.paused()) {
                continue;
            }
            try {
                check(channel);
            } catch (ReleaseException | TufException | IllegalArgumentException e) {
                repeats.admit("rollout guard " + channel.channel() + ": " + e.getMessage())
                        .ifPresent(silenced -> log.atWarn()
                                .addKeyValue("channel", channel.channel())
                                .addKeyValue("version", channel.version())
                                .log(repeats.describe(
                                        "cannot halt the rollout automatically (" + e.getMessage()
                                                + "); halt it with engine release pause --channel "
                                                + channel.channel(),
                                        silenced)));
            } catch (RuntimeException e) {
                repeats.admit("rollout guard: " + e)
                        .ifPresent(silenced -> log.atWarn()
                                .addKeyValue("channel", channel.channel())
                                .log(repeats.describe(
                                        "rollout check failed (" + e + "); retrying at the next check", silenced)));
            }
        }
    }

    private void check(ChannelState channel) {
        String version = channel.version();
        int threshold = repository.haltPercent(channel.channel());
        List<AgentUpdate> reports = updates.inRings(channel.channel(), 0, channel.percent());
        RolloutProgress progress = RolloutProgress.of(channel, reports);
        ChannelState.Halt before = channel.halt();
        for (RolloutProgress.RingProgress ring : progress.rings()) {
            boolean haltedBefore = before != null
                    && before.version().equals(version)
                    && before.ring() >= ring.ring().number();
            if (haltedBefore || !ring.passes(threshold)) {
                continue;
            }
            String reason = "automatic halt: " + ring.describe(version) + ", above the channel's threshold of "
                    + threshold + " %";
            Optional<ChannelState> halted =
                    repository.halt(channel.channel(), version, ring.ring().number(), reason, keyDirs);
            halted.ifPresent(h -> log.atWarn()
                    .addKeyValue("channel", channel.channel())
                    .addKeyValue("version", version)
                    .addKeyValue("ring", ring.ring().number())
                    .addKeyValue("failed", ring.failed())
                    .addKeyValue("attempted", ring.attempted())
                    .log("rollout halted: " + reason
                            + "; see each failure on the fleet page, then engine release resume or rollback"));
            if (halted.isPresent()) {
                audited(channel.channel(), version, ring, threshold);
            }
            return;
        }
    }

    /**
     * Records the halt in the platform's trail and in each tenant's with agents on the channel (in any
     * ring: the halt stops them all), each with its own counts of the halted ring.
     */
    private void audited(String channel, String version, RolloutProgress.RingProgress ring, int threshold) {
        Target target = new Target("release_channel", channel);
        audit.record(
                null,
                AuditType.RELEASE_HALTED,
                Actor.system(),
                null,
                target,
                Outcome.SUCCESS,
                details(version, ring, threshold, ring.attempted(), ring.failed()));
        Map<String, int[]> byTenant = new TreeMap<>();
        for (AgentUpdate r : updates.inRings(channel, 0, Integer.MAX_VALUE)) {
            int[] counts = byTenant.computeIfAbsent(r.tenantId(), t -> new int[2]);
            if (r.ring() >= ring.ring().fromBucket() && r.ring() < ring.ring().toBucket()) {
                counts[0] += r.attempted(version) ? 1 : 0;
                counts[1] += r.failed(version) ? 1 : 0;
            }
        }
        byTenant.forEach((tenant, counts) -> audit.record(
                tenant,
                AuditType.RELEASE_HALTED,
                Actor.system(),
                null,
                target,
                Outcome.SUCCESS,
                details(version, ring, threshold, counts[0], counts[1])));
    }

    private static Map<String, Object> details(
            String version, RolloutProgress.RingProgress ring, int threshold, int attempted, int failed) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", version);
        details.put("ring", ring.ring().number());
        details.put("thresholdPercent", threshold);
        details.put("attempted", attempted);
        details.put("failed", failed);
        return details;
    }
}
