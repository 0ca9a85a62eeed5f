package io.enginex.edge.agent.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.TenantPolicy;
import java.nio.file.FileSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant policies the hub sent, as one policy: every one of them intersected (the hub sends only
 * those of the most specific scope, see docs/POLICY.md). A policy the agent cannot read fails
 * closed: it is replaced by a policy that allows nothing, and {@link #source()} says why.
 *
 * <p>A field a tenant policy leaves out does not narrow: no {@code roots} keeps the machine's roots,
 * no {@code tools} its tools, no {@code commands} or {@code network} its templates and hosts, and a
 * limit not given keeps the machine's. (A machine policy file is read the other way round: what it
 * leaves out is denied, or takes the built-in default.)
 *
 * <p>Roots that are not absolute paths on this machine's file system (a Windows path on Linux, in a
 * policy written for a mixed fleet) are left out, which only narrows; {@link #notes()} names them.
 *
 * @param policy the intersection, or empty when the hub sent no tenant policy
 * @param source how rules from it are labelled, e.g. {@code tenant policy pol_… (whole tenant)}
 * @param notes what was left out or refused, for {@code policy show} and the logs
 */
public record TenantPolicySet(Optional<Policy> policy, String source, List<String> notes) {
    /** No tenant policy. */
    public static final TenantPolicySet NONE =
            new TenantPolicySet(Optional.empty(), "none (the hub sent no tenant policy)", List.of());

    public TenantPolicySet {
        notes = List.copyOf(notes);
    }

    /**
     * Reads and intersects {@code policies}; never throws for a bad document (it fails closed).
     *
     * @param machine the machine policy, whose rules stand in for the fields a tenant policy leaves out
     */
    public static TenantPolicySet of(List<TenantPolicy> policies, PolicyFile parser, FileSystem fs, Policy machine) {
        if (policies.isEmpty()) {
            return NONE;
        }
        List<String> notes = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Policy all = null;
        for (TenantPolicy tenant : policies) {
            String source = tenant.source();
            sources.add(source);
            Policy one;
            try {
                one = withoutGaps(
                        parser.parse(withLocalRoots(tenant.policy(), source, fs, notes), source),
                        tenant.policy(),
                        machine,
                        source);
            } catch (PolicyException e) {
                notes.add(source + " could not be applied (" + e.getMessage()
                        + "); everything is denied until the hub sends one this agent can read");
                one = nothing(source + " (unreadable: everything denied)");
            }
            all = all == null ? one : all.intersect(one);
        }
        return new TenantPolicySet(Optional.of(all), String.join(" ∩ ", sources), notes);
    }

    /** {@code parsed} with the fields {@code document} leaves out taken from {@code machine}. */
    private static Policy withoutGaps(Policy parsed, JsonNode document, Policy machine, String source) {
        String open = source + " (sets no rule here)";
        List<RootRule> roots = document.has("roots")
                ? parsed.roots()
                : machine.roots().stream().map(r -> r.withSource(open)).toList();
        Map<String, String> tools = parsed.tools();
        if (!document.has("tools")) {
            tools = new java.util.LinkedHashMap<>();
            for (String name : machine.tools().keySet()) {
                tools.put(name, open);
            }
        }
        JsonNode limits = document.path("limits");
        Limits l = parsed.limits();
        Limits m = machine.limits();
        Limits merged = new Limits(
                limits.has("maxReadBytes") ? l.maxReadBytes() : m.maxReadBytes(),
                limits.has("maxWriteBytes") ? l.maxWriteBytes() : m.maxWriteBytes(),
                limits.has("maxSearchFiles") ? l.maxSearchFiles() : m.maxSearchFiles(),
                limits.isMissingNode() ? m.source() : source,
                l.concurrency(),
                limits.has("graphBytes") ? l.graphBytes() : m.graphBytes(),
                limits.has("graphsTotalBytes") ? l.graphsTotalBytes() : m.graphsTotalBytes(),
                limits.has("graphRetentionDays") ? l.graphRetentionDays() : m.graphRetentionDays());
        return new Policy(
                roots,
                parsed.deny(),
                merged,
                tools,
                document.has("commands") ? parsed.commands() : machine.commands(),
                document.has("network") ? parsed.network() : machine.network(),
                parsed.approvalRequired(),
                document.has("secrets") ? parsed.secrets() : machine.secrets(),
                Map.of(),
                List.of(),
                parsed.consentRequired(),
                // Unlike the rules above, a tenant policy that leaves it out does not allow it.
                parsed.localGraphDecisions());
    }

    /** A policy that allows nothing. */
    static Policy nothing(String source) {
        return new Policy(List.of(), List.of(), new Limits(0, 0, 0, source), Map.of(), Map.of(), List.of(), Map.of());
    }

    private static byte[] withLocalRoots(JsonNode document, String source, FileSystem fs, List<String> notes) {
        ObjectNode copy = document.deepCopy();
        JsonNode roots = copy.path("roots");
        if (roots.isArray()) {
            ArrayNode kept = copy.putArray("roots");
            for (JsonNode root : roots) {
                String path = root.path("path").asText("");
                boolean local;
                try {
                    local = path.startsWith(RootRule.HOME_PREFIX)
                            || fs.getPath(path).isAbsolute();
                } catch (RuntimeException e) {
                    local = false;
                }
                if (local) {
                    kept.add(root);
                } else {
                    notes.add(source + ": root " + path + " is not a path on this machine; left out");
                }
            }
        }
        return copy.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
