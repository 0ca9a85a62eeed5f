package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * One immutable version of a graph.
 *
 * @param document the graph document (the format of docs/GRAPHS.md) as it was uploaded
 * @param sha256 hex SHA-256 of {@code document}'s UTF-8 bytes
 * @param envelope the hub's signed envelope of this version, as agents receive it (JSON)
 */
public record GraphVersionRecord(
        String graphId,
        int version,
        String tenantId,
        String document,
        String sha256,
        String envelope,
        Instant createdAt,
        String createdBy) {}
