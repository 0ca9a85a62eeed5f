package io.enginex.edge.agent.tools;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.agent.network.PinnedHttpClient;
import io.enginex.edge.agent.policy.AccessMode;
import io.enginex.edge.agent.policy.DefaultPolicy;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.usersession.SessionRouter;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Assembles the tools this agent offers under its effective policy. File tools exist only when the
 * policy leaves at least one root; tools that change files only when a root is writable; and only
 * tools the policy allows (default deny). {@link #blocked} names what the policy removed, so a call
 * of it is answered {@code blocked_by_policy} rather than {@code unknown_tool}.
 *
 * <p>Plug-in tools ({@link PluginTools}) are offered under the same rule: only when the policy names
 * them.
 */
public final class BuiltinTools {
    private static final Set<String> WRITE_TOOLS =
            Set.of(FileWriteTool.NAME, FileMkdirTool.NAME, FileMoveTool.NAME, FileDeleteTool.NAME);

    /** The names of every built-in tool (a plug-in may not reuse one). */
    public static final Set<String> NAMES = Set.of(
            FileListTool.NAME,
            FileReadTool.NAME,
            FileStatTool.NAME,
            FileSearchTool.NAME,
            FileWriteTool.NAME,
            FileMkdirTool.NAME,
            FileMoveTool.NAME,
            FileDeleteTool.NAME,
            SystemInfoTool.NAME,
            PingTool.NAME,
            ExecTool.NAME,
            HttpRequestTool.NAME,
            ModelChatTool.NAME,
            DesktopTools.APP_LIST,
            DesktopTools.APP_LAUNCH,
            DesktopTools.APP_OPEN,
            DesktopTools.NOTIFY);

    private BuiltinTools() {}

    /**
     * The read-only built-ins over a single root (or none), as without any policy file.
     *
     * @param root the shared folder, or empty for no file tools
     */
    public static List<Tool> create(Optional<FileRoot> root, HostInfo host, Clock clock, Instant agentStarted) {
        return all(root.map(FileSandbox::of), host, clock, agentStarted).stream()
                .filter(t ->
                        DefaultPolicy.READ_ONLY_TOOLS.contains(t.descriptor().name()))
                .toList();
    }

    /** The built-ins the policy allows over {@code sandbox} (empty when the policy leaves no root). */
    public static List<Tool> create(
            Optional<FileSandbox> sandbox, Policy policy, HostInfo host, Clock clock, Instant agentStarted) {
        return create(sandbox, policy, host, clock, agentStarted, Optional.empty());
    }

    /**
     * As above, plus (when {@code runner} is given) {@code exec} when the policy allows it and has
     * templates, and {@code http.request} and {@code model.chat} when it allows them and lists hosts.
     */
    public static List<Tool> create(
            Optional<FileSandbox> sandbox,
            Policy policy,
            HostInfo host,
            Clock clock,
            Instant agentStarted,
            Optional<CommandRunner> runner) {
        return create(sandbox, policy, host, clock, agentStarted, runner, Optional.empty());
    }

    /**
     * As above, plus (when {@code sessions} is given: the service takes user session parts) the
     * desktop tools the policy allows; {@code app.launch} only when the policy names applications.
     */
    public static List<Tool> create(
            Optional<FileSandbox> sandbox,
            Policy policy,
            HostInfo host,
            Clock clock,
            Instant agentStarted,
            Optional<CommandRunner> runner,
            Optional<SessionRouter> sessions) {
        List<Tool> all = new ArrayList<>(all(sandbox, host, clock, agentStarted));
        boolean homeFiles = sessions.isPresent() && hasHomeRoots(policy);
        if (homeFiles) {
            // Paths in the user's home (~/…) go to that user's session part; other paths stay here.
            for (String name : FileTools.NAMES) {
                Tool local = all.stream()
                        .filter(t -> t.descriptor().name().equals(name))
                        .findFirst()
                        .orElse(null);
                all.remove(local);
                all.add(new HomeFileTool(name, local, policy, sessions.get()));
            }
        }
        sessions.ifPresent(router -> DesktopTools.create(policy, router).stream()
                .filter(t -> !t.descriptor().name().equals(DesktopTools.APP_LAUNCH)
                        || !policy.apps().isEmpty())
                .forEach(all::add));
        if (runner.isPresent() && !policy.commands().isEmpty()) {
            all.add(new ExecTool(policy, sandbox, runner.get()));
        }
        if (runner.isPresent() && !policy.network().isEmpty()) {
            NetworkGuard guard = new NetworkGuard(policy.network(), InetAddress::getAllByName);
            PinnedHttpClient client = new PinnedHttpClient(defaultTls(), Duration.ofSeconds(10));
            all.add(new HttpRequestTool(guard, client, 1 << 20, policy.secrets()));
            all.add(new ModelChatTool(guard, client, 4 << 20, policy.secrets()));
        }
        return all.stream()
                .filter(t -> policy.allowsTool(t.descriptor().name()))
                .filter(t -> !WRITE_TOOLS.contains(t.descriptor().name())
                        || sandbox.map(FileSandbox::writable).orElse(false)
                        || (homeFiles && homeWritable(policy)))
                .toList();
    }

    /** True when the policy shares a folder of the signed-in user's home ({@code ~/…}). */
    private static boolean hasHomeRoots(Policy policy) {
        return policy.roots().stream().anyMatch(RootRule::home);
    }

    private static boolean homeWritable(Policy policy) {
        return policy.roots().stream().anyMatch(r -> r.home() && r.mode() == AccessMode.WRITE);
    }

    /** The JDK's default TLS (system trust store) for {@code http.request}. */
    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(
                    "this Java runtime has no default TLS implementation: " + e.getMessage(), e);
        }
    }

    /**
     * Why each built-in and plug-in tool the effective policy left out is missing, by tool name,
     * naming the policy (machine or tenant) that does not list it.
     */
    public static Map<String, String> blocked(
            Optional<FileSandbox> sandbox, EffectivePolicy effective, List<PluginTools.Plugin> plugins) {
        return blocked(sandbox, effective, plugins, false);
    }

    /** As above; {@code sessions} says whether the service takes user session parts (desktop tools). */
    public static Map<String, String> blocked(
            Optional<FileSandbox> sandbox,
            EffectivePolicy effective,
            List<PluginTools.Plugin> plugins,
            boolean sessions) {
        Map<String, String> reasons =
                blocked(sandbox, effective.policy(), effective.machineSource(), effective, sessions);
        for (String name : new java.util.TreeSet<>(DesktopTools.NAMES)) {
            if (!effective.policy().allowsTool(name)) {
                String by = effective.withoutTool(name);
                reasons.put(
                        name,
                        "the tool " + name + " is not in the allowed tools of "
                                + (by == null ? effective.machineSource() : by));
            } else if (!sessions) {
                reasons.put(
                        name,
                        "this agent takes no user session parts: run its service with --session-socket and"
                                + " session-users (docs/INSTALL.md, \"The user session part\")");
            } else if (name.equals(DesktopTools.APP_LAUNCH)
                    && effective.policy().apps().isEmpty()) {
                reasons.put(name, "there are no apps in " + effective.machineSource());
            }
        }
        for (PluginTools.Plugin plugin : plugins) {
            String name = plugin.tool().descriptor().name();
            if (!effective.policy().allowsTool(name)) {
                String by = effective.withoutTool(name);
                reasons.put(
                        name,
                        "the tool " + name + " (plug-in " + plugin.jar().getFileName()
                                + ") is not in the allowed tools of " + (by == null ? effective.machineSource() : by));
            }
        }
        return reasons;
    }

    /**
     * Why each built-in that {@link #create(Optional, Policy, HostInfo, Clock, Instant)} left out is
     * missing, by tool name.
     */
    public static Map<String, String> blocked(Optional<FileSandbox> sandbox, Policy policy, String policySource) {
        return blocked(sandbox, policy, policySource, null, false);
    }

    private static Map<String, String> blocked(
            Optional<FileSandbox> sandbox,
            Policy policy,
            String policySource,
            EffectivePolicy effective,
            boolean sessions) {
        Map<String, String> reasons = new LinkedHashMap<>();
        boolean homeFiles = sessions && hasHomeRoots(policy);
        for (String name : List.of(
                FileListTool.NAME,
                FileReadTool.NAME,
                FileStatTool.NAME,
                FileSearchTool.NAME,
                FileWriteTool.NAME,
                FileMkdirTool.NAME,
                FileMoveTool.NAME,
                FileDeleteTool.NAME,
                SystemInfoTool.NAME,
                PingTool.NAME,
                ExecTool.NAME,
                HttpRequestTool.NAME,
                ModelChatTool.NAME)) {
            if (!policy.allowsTool(name)) {
                String by = effective == null ? null : effective.withoutTool(name);
                reasons.put(
                        name,
                        "the tool " + name + " is not in the allowed tools of " + (by == null ? policySource : by));
            } else if ((name.equals(HttpRequestTool.NAME) || name.equals(ModelChatTool.NAME))
                    && policy.network().isEmpty()) {
                reasons.put(name, "there are no host:port rules in " + policySource);
            } else if (name.equals(ExecTool.NAME) && policy.commands().isEmpty()) {
                reasons.put(name, "there are no command templates in " + policySource);
            } else if (name.startsWith("fs.") && sandbox.isEmpty() && !homeFiles) {
                reasons.put(
                        name,
                        "no shared folder: start the agent with --root inside a root of " + policySource
                                + (hasHomeRoots(policy)
                                        ? " (its roots in the user's home, ~/…, need --session-socket)"
                                        : ""));
            } else if (WRITE_TOOLS.contains(name)
                    && !sandbox.map(FileSandbox::writable).orElse(false)
                    && !(homeFiles && homeWritable(policy))) {
                reasons.put(name, "every shared folder is read-only under " + policySource);
            }
        }
        return reasons;
    }

    private static List<Tool> all(Optional<FileSandbox> sandbox, HostInfo host, Clock clock, Instant agentStarted) {
        List<Tool> tools = new ArrayList<>();
        sandbox.ifPresent(s -> {
            tools.add(new FileListTool(s));
            tools.add(new FileReadTool(s));
            tools.add(new FileStatTool(s));
            tools.add(new FileSearchTool(s));
            tools.add(new FileWriteTool(s));
            tools.add(new FileMkdirTool(s));
            tools.add(new FileMoveTool(s));
            tools.add(new FileDeleteTool(s));
        });
        tools.add(new SystemInfoTool(host, clock, agentStarted));
        tools.add(new PingTool(clock));
        return List.copyOf(tools);
    }
}
