package io.enginex.edge.server.connection;

import io.enginex.edge.server.store.AgentSessionPart;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changed between two reports of an agent's session parts, by user: a user missing from the new
 * report ended, a user new in it started, and a user whose session type or {@code since} differs ended
 * one session part and started another (they signed in again, or a newer part replaced the older). The
 * time of each report ({@code reportedAt}) is not compared, so a report that repeats the list (each
 * reconnect re-sends it) changes nothing.
 *
 * @param ended the parts of the older report that are gone, by user name
 * @param started the parts of the newer report that are new, by user name
 */
record SessionPartChanges(List<AgentSessionPart> ended, List<AgentSessionPart> started) {
    static SessionPartChanges between(List<AgentSessionPart> before, List<AgentSessionPart> after) {
        Map<String, AgentSessionPart> was = byUser(before);
        Map<String, AgentSessionPart> now = byUser(after);
        return new SessionPartChanges(
                before.stream().filter(p -> !same(p, now.get(p.user()))).toList(),
                after.stream().filter(p -> !same(p, was.get(p.user()))).toList());
    }

    boolean none() {
        return ended.isEmpty() && started.isEmpty();
    }

    private static boolean same(AgentSessionPart a, AgentSessionPart b) {
        return b != null && a.type().equals(b.type()) && a.since().equals(b.since());
    }

    private static Map<String, AgentSessionPart> byUser(List<AgentSessionPart> parts) {
        return parts.stream().collect(Collectors.toMap(AgentSessionPart::user, Function.identity(), (a, b) -> b));
    }
}
