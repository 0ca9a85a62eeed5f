package io.enginex.edge.agent.policy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy's {@code secrets} field: which vault secrets each tool may put into a call, by tool name
 * ({@code http.request}, {@code exec}: every template) or {@code exec:TEMPLATE}. Default deny: a
 * secret named nowhere is refused.
 *
 * @param grants tool key → secret names
 * @param sources tool key → the policy that grants them
 */
public record SecretRules(Map<String, Set<String>> grants, Map<String, String> sources) {
    /** No secret for any tool. */
    public static final SecretRules NONE = new SecretRules(Map.of(), Map.of());

    public SecretRules {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        grants.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        grants = Map.copyOf(copy);
        sources = Map.copyOf(sources);
    }

    /**
     * True when {@code tool} (and, for {@code exec}, {@code template}) may use the secret {@code name}.
     *
     * @param template the command template's name for {@code exec}, else null
     */
    public boolean allows(String tool, String template, String name) {
        return names(tool, template).contains(name);
    }

    /** The secrets {@code tool} (with {@code template} for {@code exec}) may use. */
    public Set<String> names(String tool, String template) {
        Set<String> names = new TreeSet<>(grants.getOrDefault(tool, Set.of()));
        if (template != null) {
            names.addAll(grants.getOrDefault(tool + ":" + template, Set.of()));
        }
        return names;
    }

    /** Where the grants for {@code tool}/{@code template} come from, for messages. */
    public String sourceOf(String tool, String template) {
        String specific = template == null ? null : sources.get(tool + ":" + template);
        return specific != null ? specific : sources.getOrDefault(tool, "no policy grants any");
    }

    /**
     * What both grant: for each key either side names, the secrets both allow for it (an {@code exec}
     * grant counts for every {@code exec:TEMPLATE}), so a call passes the result exactly when it passes
     * both.
     */
    public SecretRules intersect(SecretRules other) {
        Set<String> keys = new LinkedHashSet<>(grants.keySet());
        keys.addAll(other.grants.keySet());
        Map<String, Set<String>> both = new LinkedHashMap<>();
        Map<String, String> bothSources = new LinkedHashMap<>();
        for (String key : keys) {
            int colon = key.indexOf(':');
            String tool = colon < 0 ? key : key.substring(0, colon);
            String template = colon < 0 ? null : key.substring(colon + 1);
            Set<String> names = new TreeSet<>(names(tool, template));
            names.retainAll(other.names(tool, template));
            if (!names.isEmpty()) {
                both.put(key, names);
                bothSources.put(key, sourceOf(tool, template) + " and " + other.sourceOf(tool, template));
            }
        }
        return new SecretRules(both, bothSources);
    }

    /** One line per grant, for {@code policy show}. */
    public List<String> describe() {
        return grants.entrySet().stream()
                .map(e -> "  " + e.getKey() + ": " + String.join(", ", new TreeSet<>(e.getValue())) + "    ["
                        + sources.get(e.getKey()) + "]")
                .toList();
    }
}
