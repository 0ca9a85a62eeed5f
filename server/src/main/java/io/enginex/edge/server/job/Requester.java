package io.enginex.edge.server.job;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.server.auth.Caller;

/**
 * Who asked for a job, as the person asked for consent at the machine reads it: the caller's name (a
 * user's email, an API key's label; its id when it has none) and the way in, e.g. {@code
 * alice@acme.example (dashboard)}, {@code API key ci-bot}, {@code alice@acme.example via MCP client
 * claude-code 2.1.0}. Never a secret: names and ids only. The text is escaped and cut as the dispatch
 * frame's {@code requestedBy} keeps it ({@link Dispatch#requester}).
 */
public final class Requester {
    private Requester() {}

    /**
     * @param via how the call came in when the caller alone does not say, e.g. {@code MCP client
     *     claude-code 2.1.0}; null for the REST API, the runtime channel and the dashboard
     */
    public static String describe(Caller caller, String via) {
        String who = switch (caller.kind()) {
            case API_KEY -> "API key " + (caller.name() != null ? caller.name() : caller.keyId());
            case USER -> caller.name() != null ? caller.name() : "user " + caller.keyId();
        };
        String how;
        if (via != null && !via.isBlank()) {
            how = " via " + via.strip();
        } else if (caller.kind() == Caller.Kind.USER) {
            how = caller.session() ? " (dashboard)" : " (OAuth)";
        } else {
            how = "";
        }
        return Dispatch.requester(who + how);
    }
}
