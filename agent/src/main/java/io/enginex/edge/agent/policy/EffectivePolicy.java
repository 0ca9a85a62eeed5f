package io.enginex.edge.agent.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policy this agent enforces: machine policy ∩ tenant policies (when the hub sent some) ∩ the
 * {@code --root} the person chose, plus a deny rule for the agent's own state folder (its private
 * key). Without {@code --root} the machine policy file's roots apply as they are; the built-in
 * default has no roots of its own, so then no file tools are offered.
 *
 * @param policy the rules
 * @param machineSource where the machine policy came from
 * @param tenantSource where the tenant policy came from, or empty when the hub sent none
 * @param machine the machine policy alone
 * @param tenant the tenant policies alone, or empty
 * @param tenantNotes what was left out of the tenant policies, or why one was refused
 */
public record EffectivePolicy(
        Policy policy,
        String machineSource,
        Optional<String> tenantSource,
        Policy machine,
        Optional<Policy> tenant,
        List<String> tenantNotes) {
    public EffectivePolicy {
        tenantNotes = List.copyOf(tenantNotes);
    }

    /** As {@link #of(Policy, String, boolean, TenantPolicySet, Optional, Path)} with a tenant policy labelled "hub". */
    public static EffectivePolicy of(
            Policy machine,
            String machineSource,
            boolean machineIsBuiltIn,
            Optional<Policy> tenant,
            Optional<Path> root,
            Path stateDir) {
        return of(
                machine,
                machineSource,
                machineIsBuiltIn,
                new TenantPolicySet(tenant, tenant.isPresent() ? "hub" : TenantPolicySet.NONE.source(), List.of()),
                root,
                stateDir);
    }

    /**
     * @param machine the machine policy
     * @param machineIsBuiltIn true when no machine policy file exists
     * @param tenants the tenant policies from the hub
     * @param root the real path of {@code --root}, if given
     * @param stateDir the agent's state folder, always denied
     */
    public static EffectivePolicy of(
            Policy machine,
            String machineSource,
            boolean machineIsBuiltIn,
            TenantPolicySet tenants,
            Optional<Path> root,
            Path stateDir) {
        Optional<Policy> tenant = tenants.policy();
        Policy p = tenant.map(machine::intersect).orElse(machine);
        if (root.isPresent()) {
            p = p.withinRoot(new RootRule(root.get(), AccessMode.WRITE, "--root"));
        } else if (machineIsBuiltIn) {
            p = new Policy(
                    List.of(),
                    p.deny(),
                    p.limits(),
                    p.tools(),
                    p.commands(),
                    p.network(),
                    p.approvalRequired(),
                    p.secrets(),
                    Map.of(),
                    List.of(),
                    p.consentRequired(),
                    p.localGraphDecisions());
        }
        p = p.withDeny(List.of(DenyRule.of(
                globLiteral(stateDir.toAbsolutePath().normalize().toString()),
                "the agent's own state folder (identity key, journal)",
                stateDir.getFileSystem())));
        return new EffectivePolicy(
                p,
                machineSource,
                tenant.isPresent() ? Optional.of(tenants.source()) : Optional.empty(),
                machine,
                tenant,
                tenants.notes());
    }

    /**
     * Which policy leaves {@code tool} out: the machine policy, else the tenant policies, else null
     * (both allow it).
     */
    public String withoutTool(String tool) {
        if (!machine.allowsTool(tool)) {
            return machineSource;
        }
        if (tenant.isPresent() && !tenant.get().allowsTool(tool)) {
            return tenantSource.orElse("tenant policy");
        }
        return null;
    }

    /** For {@code policy show --json}. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        out.put("machinePolicy", machineSource);
        out.put("tenantPolicy", tenantSource.orElse("none (the hub sent no tenant policy)"));
        ArrayNode roots = out.putArray("roots");
        policy.roots()
                .forEach(r -> roots.addObject()
                        .put("path", r.label())
                        .put("mode", r.mode().label())
                        .put("source", r.source()));
        ArrayNode deny = out.putArray("denyGlobs");
        policy.deny().forEach(d -> deny.addObject().put("glob", d.glob()).put("source", d.source()));
        Limits l = policy.limits();
        ObjectNode limits = out.putObject("limits")
                .put("maxReadBytes", l.maxReadBytes())
                .put("maxWriteBytes", l.maxWriteBytes())
                .put("maxSearchFiles", l.maxSearchFiles())
                .put("graphBytes", l.graphBytes())
                .put("graphsTotalBytes", l.graphsTotalBytes())
                .put("graphRetentionDays", l.graphRetentionDays());
        ObjectNode concurrency = limits.putObject("concurrency");
        new java.util.TreeMap<>(l.concurrency()).forEach(concurrency::put);
        limits.put("source", l.source());
        ArrayNode notes = out.putArray("tenantPolicyNotes");
        tenantNotes.forEach(notes::add);
        ArrayNode tools = out.putArray("tools");
        policy.tools()
                .forEach((name, source) -> tools.addObject().put("name", name).put("source", source));
        ArrayNode commands = out.putArray("commands");
        policy.commands().values().forEach(c -> {
            ObjectNode cmd = commands.addObject().put("name", c.name());
            c.argv().forEach(cmd.putArray("argv")::add);
            cmd.put("approvalRequired", c.approvalRequired()).put("source", c.source());
        });
        ArrayNode network = out.putArray("network");
        policy.network()
                .forEach(n -> network.addObject().put("target", n.label()).put("source", n.source()));
        ArrayNode approvals = out.putArray("approvalRequired");
        policy.approvalRequired()
                .forEach((name, source) ->
                        approvals.addObject().put("name", name).put("source", source));
        ArrayNode consents = out.putArray("consentRequired");
        policy.consentRequired()
                .forEach(
                        (name, source) -> consents.addObject().put("name", name).put("source", source));
        ArrayNode secrets = out.putArray("secrets");
        policy.secrets().grants().forEach((tool, names) -> {
            ObjectNode grant = secrets.addObject().put("tool", tool);
            new java.util.TreeSet<>(names).forEach(grant.putArray("names")::add);
            grant.put("source", policy.secrets().sources().get(tool));
        });
        ArrayNode apps = out.putArray("apps");
        policy.apps().values().forEach(a -> {
            ObjectNode app = apps.addObject().put("id", a.name());
            a.argv().forEach(app.putArray("argv")::add);
            app.put("source", a.source());
        });
        ArrayNode urls = out.putArray("urls");
        policy.urls().forEach(u -> urls.addObject().put("prefix", u.rule()).put("source", u.source()));
        return out;
    }

    /** For {@code policy show}: one rule per line, each with its source. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("Machine policy: " + machineSource);
        lines.add("Tenant policy:  " + tenantSource.orElse("none (the hub sent no tenant policy)"));
        tenantNotes.forEach(n -> lines.add("  note: " + n));
        lines.add("");
        lines.add("Roots" + (policy.roots().isEmpty() ? ": none (file tools are off)" : ":"));
        policy.roots().forEach(r -> lines.add("  " + r.mode().label() + "  " + r.label() + "    [" + r.source() + "]"));
        lines.add("Tools:");
        policy.tools().forEach((name, source) -> lines.add("  " + name + "    [" + source + "]"));
        lines.add("Commands" + (policy.commands().isEmpty() ? ": none (exec is off)" : ":"));
        policy.commands()
                .values()
                .forEach(c -> lines.add("  " + c.name() + ": " + String.join(" ", c.argv())
                        + (c.approvalRequired() ? "  (approval required)" : "") + "    [" + c.source() + "]"));
        lines.add("Network" + (policy.network().isEmpty() ? ": none (http.request is off)" : ":"));
        policy.network().forEach(n -> lines.add("  " + n.label() + "    [" + n.source() + "]"));
        if (!policy.apps().isEmpty()) {
            lines.add("Applications (app.launch):");
            policy.apps()
                    .values()
                    .forEach(a -> lines.add(
                            "  " + a.name() + ": " + String.join(" ", a.argv()) + "    [" + a.source() + "]"));
        }
        if (!policy.urls().isEmpty()) {
            lines.add("URLs (app.open):");
            policy.urls().forEach(u -> lines.add("  " + u.rule() + "    [" + u.source() + "]"));
        }
        lines.add("Approval required" + (policy.approvalRequired().isEmpty() ? ": none" : ":"));
        policy.approvalRequired().forEach((name, source) -> lines.add("  " + name + "    [" + source + "]"));
        lines.add("Consent of the person at the machine required"
                + (policy.consentRequired().isEmpty() ? ": none" : ":"));
        policy.consentRequired().forEach((name, source) -> lines.add("  " + name + "    [" + source + "]"));
        lines.add("Vault secrets tools may use" + (policy.secrets().grants().isEmpty() ? ": none" : ":"));
        lines.addAll(policy.secrets().describe());
        Limits l = policy.limits();
        lines.add("Limits: read " + l.maxReadBytes() + " bytes, write " + l.maxWriteBytes() + " bytes, search "
                + l.maxSearchFiles() + " files"
                + (l.concurrency().isEmpty() ? "" : ", at once " + new java.util.TreeMap<>(l.concurrency()))
                + ", graph run files " + l.graphBytes() + " bytes per graph and " + l.graphsTotalBytes()
                + " in all, kept " + l.graphRetentionDays() + " days once synced    [" + l.source() + "]");
        lines.add("Denied (" + policy.deny().size() + " globs, case-insensitive):");
        policy.deny().forEach(d -> lines.add("  " + d.glob() + "    [" + d.source() + "]"));
        return lines;
    }

    /** {@code text} as a glob that matches only itself. */
    static String globLiteral(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Why the person at the machine may not decide a graph's approval step while the agent runs, naming
     * the policy key to set; empty when the machine policy and a tenant policy both allow it ({@code
     * "localGraphDecisions": true}). Without a tenant policy it is not allowed.
     */
    public Optional<String> localGraphDecisionsRefused() {
        List<String> missing = new ArrayList<>();
        if (!machine.localGraphDecisions()) {
            missing.add("the machine policy (" + machineSource + ")");
        }
        if (tenant.isEmpty()) {
            missing.add("a tenant policy on the hub (it sent none)");
        } else if (!tenant.get().localGraphDecisions()) {
            missing.add("the tenant policy (" + tenantSource.orElse("hub") + ")");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("deciding graph steps at the machine while the agent runs is not allowed: set"
                + " \"localGraphDecisions\": true in " + String.join(" and in ", missing)
                + " (both must allow it), or decide the step on the hub");
    }
}
