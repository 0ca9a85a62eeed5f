package io.enginex.edge.server.update;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.common.update.ReleaseVersion;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.AgentUpdateStore;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.UpdatePinRecord;
import io.enginex.edge.server.store.UpdatePinStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Agent releases as a tenant sees them: the update repository's channels and, ring by ring, how far
 * each channel's release has gone over the tenant's own agents (from their update reports); and the
 * tenant's update pin (a channel to follow, or a version to hold at), which every role reads and admins
 * set and remove. A pin change and its audit event commit together; then the tenant's connected agents
 * are sent the pin (on every node) and check at once. Thread-safe.
 */
public final class Releases {
    private final UpdateRepository repository;
    private final AgentUpdateStore updates;
    private final UpdatePinStore pins;
    private final ReleaseNotices notices;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final Clock clock;

    /** The stores and the notices a pin change goes through. */
    public record Parts(AgentUpdateStore updates, UpdatePinStore pins, ReleaseNotices notices) {}

    /** @param repository the hub's update repository (read without its lock, on each call) */
    public Releases(
            UpdateRepository repository, Parts parts, Audit audit, TenantGuard guard, Transactions tx, Clock clock) {
        this.repository = repository;
        this.updates = parts.updates();
        this.pins = parts.pins();
        this.notices = parts.notices();
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.clock = clock;
    }

    /** Each channel with its rollout over the tenant's agents (no rings for a channel without a version). */
    public List<RolloutProgress> rollouts(Caller caller, String tenant) {
        guard.check(caller, tenant);
        var reports = updates.list(tenant);
        return repository.channelsIfAny().stream()
                .map(c -> RolloutProgress.of(c, reports))
                .toList();
    }

    /** The tenant's update pin, if it has one. */
    public Optional<UpdatePinRecord> pin(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return pins.find(tenant);
    }

    /** A pin set or removed, and how many of the tenant's agents connected to this node were sent it. */
    public record PinChange(UpdatePinRecord pin, int reached) {}

    /**
     * Pins the tenant's agents to {@code channel} or to {@code version} (exactly one), replacing any pin;
     * audited {@code update-pin.changed}; then sent to the tenant's connected agents.
     *
     * @throws HubException.BadRequest {@code invalid_pin}: neither or both, or not a channel name or version
     * @throws HubException.NotFound {@code channel_not_found} or {@code version_not_found}: the hub's
     *     update repository has no such channel or published version
     */
    public PinChange setPin(Caller caller, String tenant, String channel, String version, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        if ((channel == null) == (version == null)) {
            throw new HubException.BadRequest(
                    "invalid_pin",
                    "name a channel to follow (\"channel\":\"beta\") or a version to hold at (\"version\":\"1.4.0\"),"
                            + " one of the two");
        }
        if (channel != null) {
            requireChannel(channel);
        } else {
            requireVersion(version);
        }
        UpdatePinRecord pin = new UpdatePinRecord(tenant, channel, version, caller.actorId(), clock.instant());
        tx.inTransaction(() -> {
            pins.put(pin);
            audit.record(
                    tenant,
                    AuditType.UPDATE_PIN_CHANGED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("tenant", tenant),
                    Audit.Outcome.SUCCESS,
                    origin.tag(channel != null ? Map.of("channel", channel) : Map.of("version", version)));
            return null;
        });
        return new PinChange(pins.find(tenant).orElse(pin), notices.pinChanged(tenant));
    }

    /**
     * Removes the tenant's pin, audited {@code update-pin.deleted}; its agents follow their own channel
     * again, told at once.
     *
     * @throws HubException.NotFound {@code pin_not_found} when the tenant has no pin
     */
    public PinChange clearPin(Caller caller, String tenant, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        UpdatePinRecord removed = tx.inTransaction(() -> {
            UpdatePinRecord before = pins.delete(tenant)
                    .orElseThrow(() -> new HubException.NotFound(
                            "pin_not_found",
                            "tenant " + tenant + " has no update pin; its agents follow their own channel"));
            audit.record(
                    tenant,
                    AuditType.UPDATE_PIN_DELETED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("tenant", tenant),
                    Audit.Outcome.SUCCESS,
                    origin.tag(
                            before.channel() != null
                                    ? Map.of("channel", before.channel())
                                    : Map.of("version", before.version())));
            return before;
        });
        return new PinChange(removed, notices.pinChanged(tenant));
    }

    private void requireChannel(String channel) {
        try {
            ChannelState.checkName(channel);
        } catch (IllegalArgumentException e) {
            throw new HubException.BadRequest("invalid_pin", e.getMessage());
        }
        List<ChannelState> channels = repository.channelsIfAny();
        if (channels.stream().noneMatch(c -> c.channel().equals(channel))) {
            throw new HubException.NotFound(
                    "channel_not_found",
                    "the hub's update repository has no channel " + channel + "; its channels: "
                            + new TreeSet<>(
                                    channels.stream().map(ChannelState::channel).toList())
                            + " (engine release publish makes one)");
        }
    }

    private void requireVersion(String version) {
        try {
            ReleaseVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new HubException.BadRequest("invalid_pin", e.getMessage());
        }
        if (!repository.versionsIfAny().contains(version)) {
            throw new HubException.NotFound(
                    "version_not_found",
                    "version " + version + " is not published in the hub's update repository; published: "
                            + new TreeSet<>(repository.versionsIfAny()));
        }
    }
}
