package io.enginex.edge.agent.tools;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.sandbox.FileRoot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Assembles the tools this agent offers. File tools exist only when a root is configured (default
 * deny).
 *
 * <p>This is the seam for what comes later: plug-in tools found with a {@code ServiceLoader<Tool>}
 * are added here, and the effective policy (tenant policy ∩ machine policy) removes tools and
 * narrows roots here, before the {@link ToolRegistry} is built and its descriptors are announced.
 */
public final class BuiltinTools {
    private BuiltinTools() {}

    /**
     * @param root the shared folder, or empty for no file tools
     */
    public static List<Tool> create(Optional<FileRoot> root, HostInfo host, Clock clock, Instant agentStarted) {
        List<Tool> tools = new ArrayList<>();
        root.ifPresent(r -> {
            tools.add(new FileListTool(r));
            tools.add(new FileReadTool(r));
        });
        tools.add(new SystemInfoTool(host, clock, agentStarted));
        tools.add(new PingTool(clock));
        return List.copyOf(tools);
    }
}
