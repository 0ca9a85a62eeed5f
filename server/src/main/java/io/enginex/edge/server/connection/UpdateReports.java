package io.enginex.edge.server.connection;

import io.enginex.edge.common.update.Rollout;
import io.enginex.edge.protocol.UpdateFailure;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import java.time.Clock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what an agent reports about its updates ({@code update} frames): stores each report in place
 * of the last, with the agent's rollout ring, so that every hub node's fleet page, API and rollout
 * guard see it. A report that names a failure the hub did not know yet is logged. Thread-safe; called
 * on the socket's reading thread; throws when the database fails (the router answers {@code
 * unavailable}, and the agent's next report, at the latest after its next welcome, carries the state).
 */
public final class UpdateReports {
    private static final Logger log = LoggerFactory.getLogger(UpdateReports.class);

    private final AgentUpdateStore store;
    private final Function<String, UpdatePin> pins;
    private final Clock clock;

    /** @param pins a tenant's update pin ({@link UpdatePin#NONE} for none), sent in each welcome */
    public UpdateReports(AgentUpdateStore store, Function<String, UpdatePin> pins, Clock clock) {
        this.store = store;
        this.pins = pins;
        this.clock = clock;
    }

    /** The pin the tenant's agents are welcomed with. */
    UpdatePin pinOf(String tenantId) {
        return pins.apply(tenantId);
    }

    void report(AgentConnection connection, UpdateReport report) {
        UpdateFailure f = report.failure();
        AgentUpdate update = new AgentUpdate(
                connection.tenantId(),
                connection.agentId(),
                report.version(),
                report.channel(),
                Rollout.bucket(connection.agentId()),
                report.mode(),
                report.state(),
                report.target(),
                report.available(),
                report.checkedAt(),
                f == null ? null : new AgentUpdate.Failure(f.version(), f.reason(), f.at()),
                clock.instant());
        AgentUpdate before =
                store.find(connection.tenantId(), connection.agentId()).orElse(null);
        store.record(update);
        connection.markReportsUpdates(report.channel());
        if (f != null
                && (before == null
                        || before.failure() == null
                        || !f.at().equals(before.failure().at()))) {
            log.atWarn()
                    .addKeyValue("agentId", connection.agentId())
                    .addKeyValue("tenant", connection.tenantId())
                    .addKeyValue("release", f.version())
                    .addKeyValue("state", report.state())
                    .log("agent reports a failed update: " + f.reason());
        }
    }
}
