package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An agent's last report of the users' session parts connected to its service: the list and when the
 * hub received it. A report is a fact about that moment, not about now; whether it still describes
 * the machine depends on the agent's connection (see {@code AgentStates#reportedOnLiveConnection}).
 *
 * @param reportedAt when the hub received the report (the hub's clock)
 * @param parts by user name; empty when the agent reported nobody
 */
public record AgentSessionReport(Instant reportedAt, List<AgentSessionPart> parts) {
    public AgentSessionReport {
        Objects.requireNonNull(reportedAt, "reportedAt");
        parts = List.copyOf(parts);
    }
}
