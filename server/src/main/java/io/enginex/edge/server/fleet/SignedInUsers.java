package io.enginex.edge.server.fleet;

import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.store.AgentSessionPart;
import io.enginex.edge.server.store.AgentSessionReport;
import java.time.Instant;
import java.util.List;

/**
 * The users signed in at an agent's machine (with the agent's session part connected), as the hub
 * knows them: the agent's last report, when the hub received it, and whether it describes the machine
 * now. The hub keeps the last report when the agent goes offline rather than clearing it (as Fleet
 * keeps a host's last reported users with their time), since who was signed in when it went away is
 * worth knowing; but it never shows that list as live.
 *
 * @param reportedAt when the hub received the agent's last report; null if it never sent one (no
 *     session socket, or an agent older than session parts)
 * @param current true only while the agent is connected and answering and its report came on that
 *     connection; false means the list is the last known, not who is signed in now
 * @param parts by user name; empty for nobody (or no report)
 */
public record SignedInUsers(Instant reportedAt, boolean current, List<AgentSessionPart> parts) {
    public SignedInUsers {
        parts = List.copyOf(parts);
    }

    /** The report of {@code agentId} (null: none), judged against its connection now. */
    public static SignedInUsers of(AgentSessionReport report, AgentStates states, String tenantId, String agentId) {
        if (report == null) {
            return new SignedInUsers(null, false, List.of());
        }
        return new SignedInUsers(
                report.reportedAt(),
                states.reportedOnLiveConnection(tenantId, agentId, report.reportedAt()),
                report.parts());
    }

    /** Whether the agent ever reported its session parts. */
    public boolean reported() {
        return reportedAt != null;
    }
}
