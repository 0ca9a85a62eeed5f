package io.enginex.edge.agent.enrolment;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What an admin configures in {@code agent.conf}: the hub, the one-time registration token (absent
 * once used), how to trust the hub, the folder file tools may read, and whether the agent replaces
 * itself ({@code update-mode}: {@code self} or {@code managed}), and whose session parts the service
 * accepts ({@code session-users}: names separated by commas, or {@code *}). Every field may be null.
 * {@code server} may hold several URLs separated by commas ({@link
 * io.enginex.edge.agent.transport.HubAddresses#parse(String)}).
 *
 * <p>{@link #toString()} never shows the token.
 */
public record AgentConfig(
        String server, String token, String pin, Path caFile, Path root, String updateMode, String sessionUsers) {
    public static final AgentConfig EMPTY = new AgentConfig(null, null, null, null, null, null, null);

    /** A configuration that accepts no user session part. */
    public AgentConfig(String server, String token, String pin, Path caFile, Path root, String updateMode) {
        this(server, token, pin, caFile, root, updateMode, null);
    }

    /** A configuration without an update mode (the installer's default). */
    public AgentConfig(String server, String token, String pin, Path caFile, Path root) {
        this(server, token, pin, caFile, root, null);
    }

    /** True when there is what a first start needs to enrol. */
    public boolean canEnrol() {
        return server != null && token != null;
    }

    public Optional<Path> rootFolder() {
        return Optional.ofNullable(root);
    }

    @Override
    public String toString() {
        return "AgentConfig[server=" + server + ", token=" + (token == null ? "none" : "***") + ", pin=" + pin
                + ", caFile=" + caFile + ", root=" + root + ", updateMode=" + updateMode + ", sessionUsers="
                + sessionUsers + "]";
    }
}
