package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * The hub nodes that share the database ({@code hub_nodes}), and the settings they must agree on
 * ({@code hub_settings}).
 */
public interface NodeStore {
    /**
     * One node as it last reported itself.
     *
     * @param url the URL it is reached by, or null
     * @param agents the agents with an active connection to it
     * @param leads whether it holds the sweeps
     */
    record Node(
            String name, String version, String url, Instant startedAt, Instant seenAt, int agents, boolean leads) {}

    /** Writes {@code node}'s row, replacing one of the same name (its last run's). */
    void join(Node node);

    /**
     * Renews the row of {@code node.name()}: its URL, when seen, agents and lead.
     *
     * @return false when the row is gone (another node judged it lost)
     */
    boolean seen(Node node);

    /** Every node's row, by name. */
    List<Node> list();

    /** Deletes the node's row (it stops, or it was lost). */
    void remove(String name);

    /**
     * Stores {@code value} under {@code name} unless a value is there already.
     *
     * @return the value stored now: {@code value}, or the one stored before
     */
    String settle(String name, String value);
}
