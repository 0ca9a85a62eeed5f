package io.enginex.edge.agent.usersession;

import java.util.Optional;

/**
 * Makes the status page's one-time login links for users the session channel proved (the kernel's
 * peer credentials), so that the page may let them answer their own consent requests.
 */
@FunctionalInterface
public interface LoginLinks {
    /** A one-time login link whose session is verified as {@code user}; empty when no page is served. */
    Optional<String> verified(String user);

    /** No status page (the agent runs with {@code --no-ui}). */
    LoginLinks NONE = user -> Optional.empty();
}
