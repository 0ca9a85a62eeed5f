package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * The graphs the hub assigns to an agent (docs/GRAPHS.md), as carried in {@link Welcome#graphs()} and
 * {@link PolicyUpdate#graphs()}: the latest version of every graph of the tenant, not withdrawn, whose
 * scope covers the agent, each as the hub's signed envelope, and the hub's graph key. The agent pins
 * the key the first time it sees one, checks every envelope with it, keeps the valid ones and runs
 * only those; the list replaces what it had.
 *
 * <pre>{@code
 * {"key":"<64 hex: Ed25519 public key>","signed":[{"signed":{"_type":"enginex-graph",…},
 *  "signatures":[{"keyid":"…","sig":"…"}]}]}
 * }</pre>
 *
 * @param key the hub's Ed25519 graph key, 64 hex characters
 * @param signed the envelopes, at most {@link #MAX_GRAPHS}
 */
public record AssignedGraphs(String key, List<JsonNode> signed) {
    /** The most graphs one agent is sent. */
    public static final int MAX_GRAPHS = 100;

    public AssignedGraphs {
        Messages.requireText(key, "graph key");
        if (!key.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the graph key must be 64 lower-case hex characters");
        }
        signed = List.copyOf(Objects.requireNonNullElse(signed, List.of()));
        if (signed.size() > MAX_GRAPHS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_GRAPHS + " graphs are assigned to one agent, got " + signed.size());
        }
    }
}
