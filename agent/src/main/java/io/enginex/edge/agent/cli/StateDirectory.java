package io.enginex.edge.agent.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the agent keeps its identity and journal when {@code --state-dir} is not given: {@code
 * $ENGINEX_AGENT_STATE_DIR}, else the operating system's per-user state location.
 */
final class StateDirectory {
    static final String ENV = "ENGINEX_AGENT_STATE_DIR";

    private StateDirectory() {}

    /**
     * @param option the {@code --state-dir} value, or null
     */
    static Path resolve(Path option, Map<String, String> env, String osName, String userHome) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath().normalize();
        }
        String os = osName.toLowerCase(Locale.ROOT);
        Path home = Path.of(userHome);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            Path base =
                    local == null || local.isBlank() ? home.resolve("AppData").resolve("Local") : Path.of(local);
            return base.resolve("EngineX").resolve("Agent");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve("EngineX Agent");
        }
        String xdg = env.get("XDG_STATE_HOME");
        Path base = xdg == null || xdg.isBlank() ? home.resolve(".local").resolve("state") : Path.of(xdg);
        return base.resolve("enginex-agent");
    }

    /** The default for this process. */
    static Path resolve(Path option) {
        return resolve(option, System.getenv(), System.getProperty("os.name", ""), System.getProperty("user.home"));
    }
}
