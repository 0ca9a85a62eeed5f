package io.enginex.edge.agent.usersession;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which users' session parts the service accepts (default: nobody). {@code root} and the service's
 * own account are always refused: neither has a desktop the agent should act in.
 *
 * @param users the accepted user names
 * @param anyone true for {@code *}: every other account that can reach the socket
 * @param self the service's own account
 */
public record SessionAccess(Set<String> users, boolean anyone, String self) {
    public SessionAccess {
        users = Set.copyOf(users);
    }

    /**
     * Parses {@code session-users}: empty for nobody, {@code *} for any account, else names separated
     * by commas.
     */
    public static SessionAccess parse(String spec, String self) {
        String text = spec == null ? "" : spec.strip();
        if (text.equals("*")) {
            return new SessionAccess(Set.of(), true, self);
        }
        Set<String> names = new TreeSet<>();
        Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .forEach(names::add);
        return new SessionAccess(names, false, self);
    }

    /** Null when {@code user} may connect, else why not (for the refusal and the audit). */
    public String refusal(String user) {
        if (user.equals("root") || user.equals("0") || user.equals(self)) {
            return "the account " + user + " cannot run a user session part (it has no desktop of its own)";
        }
        if (anyone || users.contains(user)) {
            return null;
        }
        return "user " + user + " is not among the session users of this agent ("
                + (users.isEmpty() ? "none" : String.join(", ", new TreeSet<>(users)))
                + "); an administrator adds them with session-users in agent.conf";
    }
}
