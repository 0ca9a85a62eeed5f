package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.SessionPart;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The session parts connected to this service, one per user (a newer connection of the same user
 * replaces the older), and the routing of session-bound actions to them. Thread-safe.
 */
public final class SessionRegistry implements SessionRouter {
    private final Map<String, UserSession> byUser = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Consumer<List<SessionPart>> changed = parts -> {};

    public SessionRegistry() {
        this(Clock.systemUTC());
    }

    public SessionRegistry(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * {@code listener} is told the connected session parts after each connection, replacement and
     * disconnection, on the thread that changed them (it must not block).
     */
    public void onChange(Consumer<List<SessionPart>> listener) {
        changed = listener;
    }

    /** The connected session parts as the hub is told of them, by user name. */
    public List<SessionPart> parts() {
        return connected().values().stream().map(UserSession::part).toList();
    }

    /** Adds {@code session}; returns the one it replaced, which the caller closes. */
    Optional<UserSession> register(UserSession session) {
        Optional<UserSession> replaced = Optional.ofNullable(byUser.put(session.user(), session));
        changed.accept(parts());
        return replaced;
    }

    /** Removes {@code session} if it is still the one registered for its user. */
    void remove(UserSession session) {
        if (byUser.remove(session.user(), session)) {
            changed.accept(parts());
        }
    }

    /** The connected sessions, by user name. */
    public Map<String, UserSession> connected() {
        return new TreeMap<>(byUser);
    }

    /** The session {@code user} (or, when null, the only connected user) runs. */
    public UserSession route(String user) {
        List<String> names = connected().keySet().stream().toList();
        if (user == null || user.isBlank()) {
            if (names.isEmpty()) {
                throw new ToolException(
                        ErrorCodes.NO_USER_SESSION,
                        "no user is signed in with the agent's session part running on this machine; it starts"
                                + " at login (enginex-agent session, docs/INSTALL.md \"The user session part\")");
            }
            if (names.size() > 1) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS,
                        "several users are signed in (" + String.join(", ", names)
                                + "); name one in the argument \"user\"");
            }
            return byUser.get(names.get(0));
        }
        UserSession session = byUser.get(user);
        if (session == null || !session.isOpen()) {
            throw new ToolException(
                    ErrorCodes.NO_USER_SESSION,
                    "user " + user + " is not signed in, or their session part (enginex-agent session) is not"
                            + " running; connected: " + (names.isEmpty() ? "nobody" : String.join(", ", names)));
        }
        return session;
    }

    /** Runs {@code action} in the routed session; an object output gains {@code user}: whose session ran it. */
    @Override
    public JsonNode call(String user, String action, JsonNode args, ToolContext context) {
        UserSession session = route(user);
        JsonNode output = session.call(action, args, context);
        if (output.isObject()) {
            ObjectNode out = ((ObjectNode) output).deepCopy();
            out.put("user", session.user());
            return out;
        }
        return output;
    }

    /** Closes every session (the service is stopping). */
    void closeAll() {
        byUser.values().forEach(UserSession::close);
        byUser.clear();
    }
}
