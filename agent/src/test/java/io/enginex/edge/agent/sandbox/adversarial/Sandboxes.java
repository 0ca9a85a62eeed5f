package io.enginex.edge.agent.sandbox.adversarial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.policy.AccessMode;
import io.enginex.edge.agent.policy.DefaultPolicy;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.tools.FileDeleteTool;
import io.enginex.edge.agent.tools.FileListTool;
import io.enginex.edge.agent.tools.FileMkdirTool;
import io.enginex.edge.agent.tools.FileMoveTool;
import io.enginex.edge.agent.tools.FileReadTool;
import io.enginex.edge.agent.tools.FileSearchTool;
import io.enginex.edge.agent.tools.FileStatTool;
import io.enginex.edge.agent.tools.FileWriteTool;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A writable root beside a {@link CanaryTree}, with the traps an attacker would plant inside the root:
 * links out (file, folder, dangling, relative, chained), a hard link to an outside file, and a
 * fake {@code .ssh} folder. Calls go through the real {@link ToolRegistry} (schema validation first).
 */
final class Sandboxes {
    final Path temp;
    final Path rootDir;
    final CanaryTree canary;
    final FileRoot root;
    final ToolRegistry tools;

    Sandboxes(Path temp, FileRoot.Checkpoint checkpoint) throws IOException {
        this.temp = temp;
        this.canary = new CanaryTree(temp.resolve("outside"));
        this.rootDir = Files.createDirectories(temp.resolve("root"));
        Files.writeString(rootDir.resolve("hello.txt"), "hello");
        Files.createDirectories(rootDir.resolve("docs"));
        Files.writeString(rootDir.resolve("docs").resolve("a.txt"), "inside");
        Files.createDirectories(rootDir.resolve(".ssh"));
        Files.writeString(rootDir.resolve(".ssh").resolve("id_rsa"), "fake key inside the root");
        Files.writeString(rootDir.resolve(".env"), "TOKEN=inside");
        Path out = canary.dir();
        Files.createSymbolicLink(rootDir.resolve("link-file"), out.resolve("secret.txt"));
        Files.createSymbolicLink(rootDir.resolve("link-dir"), out);
        Files.createSymbolicLink(rootDir.resolve("link-rel"), Path.of("..", "outside", "secret.txt"));
        Files.createSymbolicLink(rootDir.resolve("link-dangling"), out.resolve("not-there.txt"));
        Files.createSymbolicLink(rootDir.resolve("link-chain"), rootDir.resolve("link-dir"));
        Files.createSymbolicLink(rootDir.resolve("docs").resolve("up"), Path.of(".." + "/.."));
        Files.createSymbolicLink(rootDir.resolve("link-root"), Path.of("/"));
        Files.createLink(rootDir.resolve("hard-link"), out.resolve("passwd"));
        this.root = new FileRoot(
                rootDir,
                AccessMode.WRITE,
                DefaultPolicy.denyRules(rootDir.getFileSystem(), DefaultPolicy.SOURCE),
                new Limits(1 << 20, 1 << 20, 1000, "test limits"),
                "test root",
                checkpoint);
        FileSandbox sandbox = FileSandbox.of(root);
        List<Tool> all = List.of(
                new FileListTool(sandbox),
                new FileReadTool(sandbox),
                new FileStatTool(sandbox),
                new FileSearchTool(sandbox),
                new FileWriteTool(sandbox),
                new FileMkdirTool(sandbox),
                new FileMoveTool(sandbox),
                new FileDeleteTool(sandbox));
        this.tools = new ToolRegistry(all);
        HostInfo.current(); // loaded once, so a refusal's timing never depends on it
    }

    JsonNode call(String tool, ObjectNode args) {
        return tools.call(
                tool, args, ToolContext.detached("job_adv", Instant.now().plusSeconds(30), Clock.systemUTC()));
    }

    static ObjectNode args() {
        return JsonNodeFactory.instance.objectNode();
    }
}
