package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one {@code enginex-agent service …} action does, worked out before anything is done, so it can
 * be printed ({@code --dry-run}) and tested on any OS: directories to create, files to write, then
 * commands to run in order, then files to delete.
 *
 * @param ignoreFailures when true a failing command is reported but does not stop the plan (uninstall
 *     of a service that is already stopped)
 * @param directories created (with parents) before anything else; existing ones are left as they are
 * @param touch files created empty when missing, before the commands (which may set their access)
 */
public record ServicePlan(
        Map<Path, String> write,
        List<Path> delete,
        List<List<String>> commands,
        boolean ignoreFailures,
        List<Path> directories,
        List<Path> touch) {
    public ServicePlan {
        write = Map.copyOf(write);
        delete = List.copyOf(delete);
        commands = commands.stream().map(List::copyOf).toList();
        directories = List.copyOf(directories);
        touch = List.copyOf(touch);
    }

    public ServicePlan(
            Map<Path, String> write, List<Path> delete, List<List<String>> commands, boolean ignoreFailures) {
        this(write, delete, commands, ignoreFailures, List.of(), List.of());
    }

    /**
     * The bytes a file of {@link #write} is written as: UTF-16LE with a byte order mark when its text is
     * XML declaring {@code encoding="UTF-16"} (the form Task Scheduler itself exports and {@code schtasks
     * /Create /XML} reads), otherwise UTF-8.
     */
    public static byte[] bytes(String text) {
        if (text.startsWith("<?xml") && text.lines().findFirst().orElse("").contains("encoding=\"UTF-16\"")) {
            return ("\uFEFF" + text).getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        }
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static ServicePlan run(List<List<String>> commands) {
        return new ServicePlan(Map.of(), List.of(), commands, false);
    }
}
