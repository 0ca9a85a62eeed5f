package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Graphs and their versions. Every call is tenant-scoped. */
public interface GraphStore {
    /**
     * Inserts a graph and its first version.
     *
     * @throws DuplicateException when the tenant has a graph of that name already
     */
    void create(GraphRecord graph, GraphVersionRecord first);

    /**
     * Inserts the next version of a graph and makes it the latest, with {@code scope}.
     *
     * @return false when the graph's latest version is no longer {@code version - 1} (another version
     *     was added at the same moment) or the graph is gone or withdrawn; nothing was written
     */
    boolean addVersion(GraphVersionRecord version, PolicyScope scope, Instant now);

    /** @return false when the graph was withdrawn already or is not the tenant's */
    boolean withdraw(String tenantId, String graphId, String by, Instant now);

    /** The tenant's graphs by name. */
    List<GraphRecord> list(String tenantId);

    Optional<GraphRecord> find(String tenantId, String graphId);

    Optional<GraphRecord> findByName(String tenantId, String name);

    /** A graph's versions, oldest first. */
    List<GraphVersionRecord> versions(String tenantId, String graphId);

    Optional<GraphVersionRecord> version(String tenantId, String graphId, int version);

    /** A graph with its latest version. */
    record Latest(GraphRecord graph, GraphVersionRecord version) {}

    /**
     * The tenant's graphs that are not withdrawn, each with its latest version, by name: what its agents
     * may be sent. One query (it runs on every agent's hello).
     */
    List<Latest> latestVersions(String tenantId);
}
