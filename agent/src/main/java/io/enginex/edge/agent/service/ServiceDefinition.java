package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;

/**
 * The agent as a system service, independent of the service manager: the command that runs it
 * ({@code … run --config FILE --state-dir DIR}), the account, and where state and configuration live.
 *
 * @param command the full command line, program first
 * @param user the account the service runs as (Linux, macOS); null for the platform default
 */
public record ServiceDefinition(List<String> command, String user, Path stateDir, Path configFile) {
    public static final String NAME = "enginex-agent";
    public static final String LABEL = "io.enginex.agent";
    public static final String DESCRIPTION = "EngineX Edge agent";

    /** The group whose members may open the service's status page and pause it (Linux). */
    public static final String UI_GROUP = "enginex-agent-ui";

    /** Where the Linux service writes ui.json (systemd's RuntimeDirectory, emptied when it stops). */
    public static final Path LINUX_UI_DIR = Path.of("/run/enginex-agent");

    /**
     * Where the Linux service listens for the signed-in users' session parts ({@code enginex-agent session}'s
     * default), in its RuntimeDirectory like ui.json.
     */
    public static final Path LINUX_SESSION_SOCKET = LINUX_UI_DIR.resolve("session.sock");

    /** The macOS service's folder: config, state, ui.json's folder and the session socket's. */
    public static final Path MACOS_BASE = Path.of("/Library/Application Support/EngineX Agent");

    /**
     * Where the macOS LaunchDaemon listens for the signed-in users' session parts: in a folder of its
     * own (root's, mode 755, made by {@code service install}), which outlives reboots, unlike /var/run,
     * which nobody would make again before the daemon starts; the daemon replaces a stale socket.
     */
    public static final Path MACOS_SESSION_SOCKET = MACOS_BASE.resolve("run").resolve("session.sock");

    public ServiceDefinition {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a service needs a command");
        }
    }
}
