package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.tools.ToolContext;

/**
 * Sends an action to a signed-in user's session part and waits for its answer. Thread-safe.
 */
public interface SessionRouter {
    /**
     * @param user the user whose session should run it, or null for the only one connected
     * @param action what the session part does ({@code list-apps}, {@code launch}, {@code open},
     *     {@code notify})
     * @return the session part's output
     * @throws io.enginex.edge.agent.tools.ToolException {@code no_user_session} when that user (or,
     *     with no user named, anybody) has no session connected; {@code invalid_arguments} when no user
     *     is named and several are connected; the session part's own error code when it refused or
     *     failed; {@code deadline_exceeded}/{@code cancelled} when the job ends first
     */
    JsonNode call(String user, String action, JsonNode args, ToolContext context);
}
