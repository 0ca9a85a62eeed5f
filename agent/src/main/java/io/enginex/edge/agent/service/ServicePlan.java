package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one {@code enginex-agent service …} action does, worked out before anything is done, so it can
 * be printed ({@code --dry-run}) and tested on any OS: files to write, files to delete, then commands
 * to run in order.
 *
 * @param ignoreFailures when true a failing command is reported but does not stop the plan (uninstall
 *     of a service that is already stopped)
 */
public record ServicePlan(
        Map<Path, String> write, List<Path> delete, List<List<String>> commands, boolean ignoreFailures) {
    public ServicePlan {
        write = Map.copyOf(write);
        delete = List.copyOf(delete);
        commands = commands.stream().map(List::copyOf).toList();
    }

    public static ServicePlan run(List<List<String>> commands) {
        return new ServicePlan(Map.of(), List.of(), commands, false);
    }
}
