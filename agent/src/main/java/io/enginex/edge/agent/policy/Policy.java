package io.enginex.edge.agent.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A set of rules: what the file tools may see, which tools, commands and hosts are allowed, and what
 * needs a person's approval. The same type describes a machine policy, a tenant policy and their
 * intersection (the effective policy). Every rule carries its source, for {@code policy show} and for
 * the {@code blocked_by_policy} message.
 *
 * <p>Default deny: a tool not in {@code tools}, a folder under no root, a host under no network rule
 * or a command without a template is refused.
 *
 * @param roots folders the file tools may use
 * @param deny globs no file tool may touch, whatever the roots say
 * @param limits size caps
 * @param tools the tool names allowed, each with its source
 * @param commands the command templates {@code exec} may run, by name
 * @param network the host:port pairs {@code http.request} may reach
 * @param approvalRequired tool names and {@code exec:TEMPLATE} names that need approval, with sources
 * @param secrets which vault secrets each tool may use
 * @param apps the applications {@code app.launch} may start, by id, each a template of its arguments
 * @param urls the URL prefixes {@code app.open} may open
 * @param consentRequired tool names whose every call needs the consent of the person signed in at the
 *     machine (asked on the machine, before the tool runs), with sources
 * @param localGraphDecisions whether the person at the machine may decide a graph's approval steps while
 *     the agent runs ({@code localGraphDecisions}; both policies must allow it)
 */
public record Policy(
        List<RootRule> roots,
        List<DenyRule> deny,
        Limits limits,
        Map<String, String> tools,
        Map<String, CommandTemplate> commands,
        List<NetworkRule> network,
        Map<String, String> approvalRequired,
        SecretRules secrets,
        Map<String, CommandTemplate> apps,
        List<UrlRule> urls,
        Map<String, String> consentRequired,
        boolean localGraphDecisions) {
    public Policy {
        consentRequired = Map.copyOf(consentRequired);
        apps = Map.copyOf(apps);
        urls = List.copyOf(urls);
        roots = List.copyOf(roots);
        deny = List.copyOf(deny);
        Objects.requireNonNull(limits, "limits");
        tools = Map.copyOf(tools);
        commands = Map.copyOf(commands);
        network = List.copyOf(network);
        approvalRequired = Map.copyOf(approvalRequired);
        Objects.requireNonNull(secrets, "secrets");
    }

    /** A policy that marks no tool as needing consent and does not let the machine decide graph steps while the agent runs. */
    public Policy(
            List<RootRule> roots,
            List<DenyRule> deny,
            Limits limits,
            Map<String, String> tools,
            Map<String, CommandTemplate> commands,
            List<NetworkRule> network,
            Map<String, String> approvalRequired,
            SecretRules secrets,
            Map<String, CommandTemplate> apps,
            List<UrlRule> urls) {
        this(roots, deny, limits, tools, commands, network, approvalRequired, secrets, apps, urls, Map.of(), false);
    }

    /** A policy that names no application or URL for the desktop tools. */
    public Policy(
            List<RootRule> roots,
            List<DenyRule> deny,
            Limits limits,
            Map<String, String> tools,
            Map<String, CommandTemplate> commands,
            List<NetworkRule> network,
            Map<String, String> approvalRequired,
            SecretRules secrets) {
        this(roots, deny, limits, tools, commands, network, approvalRequired, secrets, Map.of(), List.of());
    }

    /** A policy that lets no tool use a secret. */
    public Policy(
            List<RootRule> roots,
            List<DenyRule> deny,
            Limits limits,
            Map<String, String> tools,
            Map<String, CommandTemplate> commands,
            List<NetworkRule> network,
            Map<String, String> approvalRequired) {
        this(roots, deny, limits, tools, commands, network, approvalRequired, SecretRules.NONE);
    }

    /** True when the tool is allowed. */
    public boolean allowsTool(String name) {
        return tools.containsKey(name);
    }

    /** True when calls of {@code name} (a tool, or {@code exec:TEMPLATE}) need approval. */
    public boolean needsApproval(String name) {
        return approvalRequired.containsKey(name);
    }

    /** True when every call of the tool {@code name} needs the consent of the person at the machine. */
    public boolean needsConsent(String name) {
        return consentRequired.containsKey(name);
    }

    /**
     * The rules both policies grant: roots intersected pairwise (narrower mode), deny rules of both,
     * the smaller limits, tools, commands, hosts, applications and URL rules present in both (the command's definition is this
     * policy's), approval and consent markers of both, the secrets both grant to a tool, local graph decisions only when both allow them. Applied as {@code machine.intersect(tenant)}, the machine
     * can only narrow what the tenant asks for, and the tenant can only narrow the machine.
     */
    public Policy intersect(Policy other) {
        List<RootRule> bothRoots = new ArrayList<>();
        for (RootRule mine : roots) {
            for (RootRule theirs : other.roots) {
                mine.intersect(theirs).ifPresent(bothRoots::add);
            }
        }
        List<DenyRule> bothDeny = new ArrayList<>(deny);
        other.deny.stream()
                .filter(d -> deny.stream().noneMatch(m -> m.glob().equals(d.glob())))
                .forEach(bothDeny::add);
        Map<String, String> bothTools = new LinkedHashMap<>();
        tools.forEach((name, source) -> {
            if (other.tools.containsKey(name)) {
                bothTools.put(name, source + " and " + other.tools.get(name));
            }
        });
        Map<String, CommandTemplate> bothCommands = new LinkedHashMap<>();
        commands.forEach((name, template) -> {
            if (other.commands.containsKey(name)) {
                bothCommands.put(name, template);
            }
        });
        List<NetworkRule> bothNetwork = network.stream()
                .filter(n -> other.network.stream().anyMatch(o -> o.host().equals(n.host()) && o.port() == n.port()))
                .toList();
        Map<String, String> approvals = new LinkedHashMap<>(approvalRequired);
        other.approvalRequired.forEach(approvals::putIfAbsent);
        // The machine's template is used, but either side marking it approval-required keeps the mark.
        other.commands.values().stream()
                .filter(c -> c.approvalRequired() && bothCommands.containsKey(c.name()))
                .forEach(c -> approvals.putIfAbsent("exec:" + c.name(), c.source()));
        // Consent required by either side is required: a policy can only narrow.
        Map<String, String> consents = new LinkedHashMap<>(consentRequired);
        other.consentRequired.forEach(consents::putIfAbsent);
        Map<String, CommandTemplate> bothApps = new LinkedHashMap<>();
        apps.forEach((id, template) -> {
            if (other.apps.containsKey(id)) {
                bothApps.put(id, template);
            }
        });
        List<UrlRule> bothUrls = urls.stream()
                .filter(u -> other.urls.stream().anyMatch(o -> o.rule().equals(u.rule())))
                .toList();
        return new Policy(
                bothRoots,
                bothDeny,
                limits.min(other.limits),
                bothTools,
                bothCommands,
                bothNetwork,
                approvals,
                secrets.intersect(other.secrets),
                bothApps,
                bothUrls,
                consents,
                localGraphDecisions && other.localGraphDecisions);
    }

    /**
     * This policy with {@code root} (the {@code --root} a person chose) intersected into its roots; home
     * roots ({@code ~/…}) are kept as they are: they are the signed-in user's folders, not the service's.
     */
    public Policy withinRoot(RootRule root) {
        List<RootRule> narrowed = new ArrayList<>();
        for (RootRule mine : roots) {
            if (mine.home()) {
                narrowed.add(mine); // a folder of the user's home: --root picks the service's folder, not theirs
            } else {
                mine.intersect(root).ifPresent(narrowed::add);
            }
        }
        return withRootsAndDeny(narrowed, deny);
    }

    /** This policy with extra deny rules (e.g. the agent's own state folder). */
    public Policy withDeny(List<DenyRule> extra) {
        List<DenyRule> all = new ArrayList<>(deny);
        all.addAll(extra);
        return withRootsAndDeny(roots, all);
    }

    private Policy withRootsAndDeny(List<RootRule> newRoots, List<DenyRule> newDeny) {
        return new Policy(
                newRoots,
                newDeny,
                limits,
                tools,
                commands,
                network,
                approvalRequired,
                secrets,
                apps,
                urls,
                consentRequired,
                localGraphDecisions);
    }

    /** The first deny rule matching a real path, if any. */
    public Optional<DenyRule> denied(java.nio.file.Path real) {
        return deny.stream().filter(d -> d.matches(real)).findFirst();
    }

    /** Tool names in order, for logs. */
    public Set<String> toolNames() {
        return new LinkedHashSet<>(tools.keySet());
    }
}
