package io.enginex.edge.server.update;

import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.UpdatePinStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells connected agents to check for updates now ({@code release} frames): when their tenant's pin
 * changed (on this node, and through a {@link Signal.Kind#PIN} signal on the others), and when a release
 * of the channel they follow changed. Only agents that reported their update state on their connection
 * are told (an older agent would not understand the frame). Each frame names a window to check within,
 * sized for the agents told, so a fleet does not fetch the repository at once. Thread-safe.
 */
public final class ReleaseNotices {
    private static final Logger log = LoggerFactory.getLogger(ReleaseNotices.class);

    /** Agents told per second of the window they check within (at least 1 s, at most 10 min). */
    static final int CHECKS_PER_SECOND = 100;

    private final ConnectionRegistry registry;
    private final UpdatePinStore pins;
    private final Cluster cluster;

    public ReleaseNotices(ConnectionRegistry registry, UpdatePinStore pins, Cluster cluster) {
        this.registry = registry;
        this.pins = pins;
        this.cluster = cluster;
    }

    /** The tenant's pin as agents are sent it ({@link UpdatePin#NONE} when none). */
    public UpdatePin pinOf(String tenantId) {
        return pins.find(tenantId)
                .map(p -> new UpdatePin(p.channel(), p.version()))
                .orElse(UpdatePin.NONE);
    }

    /**
     * The tenant's pin changed: its agents on this node are sent it, and the other nodes told.
     *
     * @return how many agents on this node the frame was written to
     */
    public int pinChanged(String tenantId) {
        int here = pinChangedHere(tenantId);
        cluster.publish(Signal.pin(tenantId));
        return here;
    }

    /** As {@link #pinChanged}, to this node's agents only: another node changed the pin. */
    public int pinChangedHere(String tenantId) {
        UpdatePin pin = pinOf(tenantId);
        int reached = send(
                c -> c.tenantId().equals(tenantId),
                (c, spread) -> new ReleaseNotice(c.nextFrameId(), null, null, pin, spread));
        log.atInfo()
                .addKeyValue("tenant", tenantId)
                .addKeyValue("pin", pin)
                .addKeyValue("reached", reached)
                .log("update pin sent to the tenant's connected agents");
        return reached;
    }

    /**
     * A release of {@code channel} changed ({@link ReleaseWatch}): the agents on this node that follow it
     * are told to check within a window sized for them.
     *
     * @return how many agents the frame was written to
     */
    public int announceHere(String channel, String version) {
        int reached = send(
                c -> channel.equals(c.updateChannel()),
                (c, spread) -> new ReleaseNotice(c.nextFrameId(), channel, version, null, spread));
        log.atInfo()
                .addKeyValue("channel", channel)
                .addKeyValue("version", version)
                .addKeyValue("reached", reached)
                .log("release announced to the agents following the channel");
        return reached;
    }

    /** The frame for one connection, given the window to check within. */
    private interface Frame {
        ReleaseNotice make(AgentConnection connection, long spreadMillis);
    }

    private int send(Predicate<AgentConnection> which, Frame frame) {
        List<AgentConnection> told = new ArrayList<>();
        for (AgentConnection c : registry.active()) {
            if (c.updateChannel() != null && which.test(c)) {
                told.add(c);
            }
        }
        long spread = spreadMillis(told.size());
        List<CompletableFuture<Boolean>> sends = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (AgentConnection c : told) {
                sends.add(CompletableFuture.supplyAsync(() -> c.send(frame.make(c, spread)), threads));
            }
        } // closing the executor waits for every send
        return (int) sends.stream().filter(CompletableFuture::join).count();
    }

    /** The window {@code agents} agents check within: one second per {@link #CHECKS_PER_SECOND}, 1 s to 10 min. */
    static long spreadMillis(int agents) {
        long seconds = Math.min(600, Math.max(1, (agents + CHECKS_PER_SECOND - 1) / CHECKS_PER_SECOND));
        return seconds * 1000;
    }
}
