package io.enginex.edge.server.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.VaultStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which tenant secrets defined with {@code use: approval} a job's arguments reference ({@code
 * secret:NAME} as any string value, at any depth), for the agent they are sent to: such a job waits
 * for a person's approval on the hub like one a policy marks {@code approvalRequired}. The approver is
 * told the secret's name, never its value (the hub has no plaintext to show). Reads only; thread-safe.
 */
public final class SecretApprovals {
    private static final String PREFIX = "secret:";

    private final VaultStore store;

    public SecretApprovals(VaultStore store) {
        this.store = store;
    }

    /**
     * The rule that makes this job need an approval, in words naming the secrets, or empty when its
     * arguments reference no approval secret in scope of {@code agent}.
     */
    public Optional<String> requiredBy(Agent agent, JsonNode args) {
        TreeSet<String> referenced = references(args);
        if (referenced.isEmpty()) {
            return Optional.empty();
        }
        TreeSet<String> needing = new TreeSet<>();
        for (String name : referenced) {
            store.findSecret(agent.tenantId(), name)
                    .filter(s -> "approval".equals(s.use()))
                    .filter(s -> s.scope().covers(agent.id(), agent.labels()))
                    .ifPresent(s -> needing.add(s.name()));
        }
        if (needing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of((needing.size() == 1 ? "The tenant secret " : "The tenant secrets ")
                + String.join(", ", needing)
                + " this call uses " + (needing.size() == 1 ? "was" : "were")
                + " defined with use: approval: a person approves every job that uses "
                + (needing.size() == 1 ? "it" : "them") + " (the agent never reveals "
                + (needing.size() == 1 ? "it" : "them") + " to a job without an approval).");
    }

    /** The names of every {@code secret:NAME} string in {@code args}. */
    static TreeSet<String> references(JsonNode args) {
        TreeSet<String> names = new TreeSet<>();
        if (args == null) {
            return names;
        }
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(args);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isTextual() && node.asText().startsWith(PREFIX)) {
                names.add(node.asText().substring(PREFIX.length()));
            } else if (node.isContainerNode()) {
                node.forEach(todo::push);
            }
        }
        return names;
    }
}
