package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.ui.LocalApiClient;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where {@code ui}, {@code pause} and {@code resume} look for the running agent's {@code ui.json}. */
final class LocalUiOptions {
    /** Where packaged Linux services write it (systemd RuntimeDirectory=enginex-agent). */
    static final Path LINUX_SERVICE_UI_DIR = Path.of("/run/enginex-agent");

    @Option(
            names = "--ui-dir",
            paramLabel = "DIR",
            description = "Where the running agent writes ui.json (default: the service's"
                    + " /run/enginex-agent, then --state-dir or the per-user state folder).")
    Path uiDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The state directory of an agent run by hand.")
    Path stateDir;

    List<Path> candidates() {
        if (uiDir != null) {
            return List.of(uiDir.toAbsolutePath());
        }
        List<Path> dirs = new ArrayList<>();
        if (stateDir != null) {
            dirs.add(stateDir.toAbsolutePath());
            return dirs;
        }
        Path base = ServiceCommand.Defaults.base();
        dirs.add(base == null ? LINUX_SERVICE_UI_DIR : base.resolve("ui"));
        dirs.add(StateDirectory.resolve(null));
        return dirs;
    }

    LocalApiClient connect() {
        return LocalApiClient.find(candidates(), new MessageCodec().mapper());
    }

    static String user() {
        return System.getProperty("user.name", "unknown");
    }
}
