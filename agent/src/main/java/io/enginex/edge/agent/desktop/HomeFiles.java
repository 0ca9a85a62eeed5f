package io.enginex.edge.agent.desktop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.policy.AccessMode;
import io.enginex.edge.agent.policy.DenyRule;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyException;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.tools.FileTools;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The session part's {@code fs} action: runs a file tool in the signed-in user's home, as that user.
 * The call names the tool, its arguments (paths written {@code ~/…}) and the service's effective home
 * roots, deny globs and limits; the roots used are those the service sent <em>and</em> the machine
 * policy (read here) has, resolved in this user's home, so a service that is not to be trusted can
 * only narrow them. Each root's real path must stay inside the real home. Then the same tool the
 * service runs for its own folders runs here, over the same sandbox rules (real paths, no symlink out
 * of a root, deny globs, default deny), and the operating system adds this user's own permissions.
 *
 * <p>Thread-safe: each call builds its own sandbox.
 */
final class HomeFiles {
    private final Policy machine;
    private final String machineSource;
    private final Path home;
    private final Clock clock;

    HomeFiles(Policy machine, String machineSource, Path home, Clock clock) {
        this.machine = machine;
        this.machineSource = machineSource;
        this.home = home;
        this.clock = clock;
    }

    JsonNode handle(JsonNode call) {
        String name = call.path("tool").asText("");
        if (!FileTools.NAMES.contains(name)) {
            throw new ToolException(
                    ErrorCodes.UNKNOWN_TOOL, "the fs action runs file tools only, not \"" + name + "\"");
        }
        Path realHome = realHome();
        List<RootRule> shared = new ArrayList<>();
        FileSandbox sandbox = sandbox(call, realHome, shared);
        ObjectNode args = call.path("args").isObject()
                ? ((ObjectNode) call.get("args")).deepCopy()
                : call.path("args").deepCopy();
        for (String key : FileTools.PATH_ARGUMENTS) {
            if (args.path(key).isTextual()) {
                String given = args.get(key).asText();
                if (!given.startsWith(RootRule.HOME_PREFIX)) {
                    throw new ToolException(
                            ErrorCodes.INVALID_ARGUMENTS,
                            key + " must be a path in the user's home (~/…), got " + given);
                }
                Path path = realHome.resolve(given.substring(RootRule.HOME_PREFIX.length()))
                        .normalize();
                if (shared.stream().noneMatch(r -> path.startsWith(r.resolve(realHome)))) {
                    throw new ToolException(
                            ErrorCodes.PATH_OUTSIDE_ROOT,
                            given + " is outside the folders of this home that both " + machineSource
                                    + " and the agent service's policy share ("
                                    + String.join(
                                            ", ",
                                            shared.stream().map(RootRule::label).toList())
                                    + ")");
                }
                args.put(key, path.toString());
            }
        }
        Tool tool = FileTools.of(name, sandbox).orElseThrow();
        Instant deadline = Instant.ofEpochMilli(
                call.path("deadline").asLong(clock.instant().plusSeconds(60).toEpochMilli()));
        JsonNode output =
                tool.call(args, ToolContext.detached(call.path("jobId").asText(""), deadline, clock));
        if (output.isObject()) {
            ObjectNode out = (ObjectNode) output;
            for (String key : FileTools.PATH_ARGUMENTS) {
                if (out.path(key).isTextual()) {
                    out.put(key, homePath(realHome, out.get(key).asText()));
                }
            }
        }
        return output;
    }

    /**
     * The service's home roots within the machine policy's, as folders of this home that exist; adds
     * their rules to {@code shared}.
     */
    private FileSandbox sandbox(JsonNode call, Path realHome, List<RootRule> shared) {
        List<DenyRule> deny = new ArrayList<>(machine.deny());
        Limits limits;
        try {
            for (JsonNode glob : call.path("deny")) {
                deny.add(DenyRule.of(glob.asText(), "the agent service's policy", home.getFileSystem()));
            }
            JsonNode l = call.path("limits");
            limits = machine.limits()
                    .min(new Limits(
                            l.path("maxReadBytes").asLong(0),
                            l.path("maxWriteBytes").asLong(0),
                            l.path("maxSearchFiles").asInt(0),
                            "the agent service's policy"));
        } catch (PolicyException e) {
            throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, e.getMessage());
        }
        List<FileRoot> roots = new ArrayList<>();
        for (JsonNode sent : call.path("roots")) {
            RootRule service;
            try {
                service = new RootRule(
                        home.getFileSystem().getPath(sent.path("path").asText("")),
                        AccessMode.parse(sent.path("mode").asText("read"), "the agent service's policy"),
                        "the agent service's policy",
                        true);
            } catch (PolicyException e) {
                throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, e.getMessage());
            }
            for (RootRule mine : machine.roots()) {
                mine.intersect(service).ifPresent(rule -> {
                    Path folder = rule.resolve(realHome);
                    if (Files.isDirectory(folder) && inside(folder, realHome)) {
                        shared.add(rule);
                        roots.add(new FileRoot(
                                folder,
                                rule.mode(),
                                deny,
                                limits,
                                rule.label() + " (" + rule.source() + ")",
                                FileRoot.NONE));
                    }
                });
            }
        }
        if (roots.isEmpty()) {
            throw new ToolException(
                    ErrorCodes.PATH_OUTSIDE_ROOT,
                    "no folder of " + realHome + " is shared by both the agent service's policy and " + machineSource
                            + " (or the shared folders do not exist in this home)");
        }
        return new FileSandbox(roots);
    }

    private Path realHome() {
        try {
            return home.toRealPath();
        } catch (IOException e) {
            throw new ToolException(ErrorCodes.NOT_FOUND, "this user's home " + home + " does not exist");
        }
    }

    /** True when {@code folder}'s real path is still in the home (a link may not lead a root out of it). */
    private static boolean inside(Path folder, Path realHome) {
        try {
            return folder.toRealPath().startsWith(realHome);
        } catch (IOException e) {
            return false;
        }
    }

    private static String homePath(Path realHome, String path) {
        Path p = realHome.getFileSystem().getPath(path);
        return p.isAbsolute() && p.startsWith(realHome) ? RootRule.HOME_PREFIX + realHome.relativize(p) : path;
    }
}
