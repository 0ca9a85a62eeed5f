package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.Optional;

/** A tenant's MCP tool rules, one JSON document per tenant. Every call is tenant-scoped. */
public interface McpToolRuleStore {
    /**
     * A tenant's rules as stored.
     *
     * @param rulesJson the rules document, validated before it was stored
     * @param updatedBy the actor who set them
     */
    record Stored(String tenantId, String rulesJson, Instant updatedAt, String updatedBy) {}

    Optional<Stored> find(String tenantId);

    /** Stores {@code rulesJson} as the tenant's rules, replacing any. */
    Stored put(String tenantId, String rulesJson, String updatedBy, Instant now);

    /** @return false when the tenant had none */
    boolean delete(String tenantId);
}
