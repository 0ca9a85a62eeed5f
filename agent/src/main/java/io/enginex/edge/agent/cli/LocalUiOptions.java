package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.ui.LocalApiClient;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where {@code ui}, {@code pause} and {@code resume} look for the running agent's {@code ui.json}. */
final class LocalUiOptions {
    @Option(
            names = "--ui-dir",
            paramLabel = "DIR",
            description = "Where the running agent writes ui.json (default: the service's ui folder:"
                    + " /run/enginex-agent on Linux, <base>/ui on macOS and Windows; then the per-user state"
                    + " folder).")
    Path uiDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "The state directory of an agent run by hand.")
    Path stateDir;

    List<Path> candidates() {
        return candidates(System.getProperty("os.name", ""), System.getenv(), StateDirectory.resolve(null));
    }

    /**
     * The folders to look in, in order: {@code --ui-dir}, or {@code --state-dir}, or the service's ui
     * folder (the one {@code service install} and the packages pass as {@code --ui-dir}), then on
     * macOS and Windows the service's state folder (services installed before the ui folder existed
     * wrote it there), then the per-user state folder of an agent run by hand.
     */
    List<Path> candidates(String os, Map<String, String> env, Path userState) {
        if (uiDir != null) {
            return List.of(uiDir.toAbsolutePath());
        }
        List<Path> dirs = new ArrayList<>();
        if (stateDir != null) {
            dirs.add(stateDir.toAbsolutePath());
            return dirs;
        }
        dirs.add(ServiceCommand.Defaults.uiDir(os, env));
        if (ServiceCommand.Defaults.base(os, env) != null) {
            dirs.add(ServiceCommand.Defaults.stateDir(os, env));
        }
        dirs.add(userState);
        return dirs;
    }

    LocalApiClient connect() {
        return LocalApiClient.find(candidates(), new MessageCodec().mapper());
    }

    static String user() {
        return System.getProperty("user.name", "unknown");
    }
}
