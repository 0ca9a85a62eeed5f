package io.enginex.edge.agent.tools;

import io.enginex.edge.agent.sandbox.FileSandbox;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The file tools ({@code fs.*}) by name, over a sandbox: the service's and the user session part's. */
public final class FileTools {
    /** Every file tool's name. */
    public static final List<String> NAMES = List.of(
            FileListTool.NAME,
            FileReadTool.NAME,
            FileStatTool.NAME,
            FileSearchTool.NAME,
            FileWriteTool.NAME,
            FileMkdirTool.NAME,
            FileMoveTool.NAME,
            FileDeleteTool.NAME);

    /** The file tools that change files (they need a writable root). */
    public static final Set<String> WRITING =
            Set.of(FileWriteTool.NAME, FileMkdirTool.NAME, FileMoveTool.NAME, FileDeleteTool.NAME);

    /** The arguments of a file tool that name a path. */
    public static final List<String> PATH_ARGUMENTS = List.of("path", "from", "to");

    private FileTools() {}

    /** The file tool {@code name} over {@code sandbox}, or empty when there is no file tool of that name. */
    public static Optional<Tool> of(String name, FileSandbox sandbox) {
        return Optional.ofNullable(
                switch (name) {
                    case FileListTool.NAME -> new FileListTool(sandbox);
                    case FileReadTool.NAME -> new FileReadTool(sandbox);
                    case FileStatTool.NAME -> new FileStatTool(sandbox);
                    case FileSearchTool.NAME -> new FileSearchTool(sandbox);
                    case FileWriteTool.NAME -> new FileWriteTool(sandbox);
                    case FileMkdirTool.NAME -> new FileMkdirTool(sandbox);
                    case FileMoveTool.NAME -> new FileMoveTool(sandbox);
                    case FileDeleteTool.NAME -> new FileDeleteTool(sandbox);
                    default -> null;
                });
    }
}
