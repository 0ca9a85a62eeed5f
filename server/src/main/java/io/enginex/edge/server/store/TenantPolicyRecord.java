package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A tenant policy as stored: the document (the machine policy file's JSON shape) and the agents it
 * is for.
 *
 * @param policyJson the policy document, validated before it was stored
 * @param updatedBy the actor id that last set it
 */
public record TenantPolicyRecord(
        String id,
        String tenantId,
        PolicyScope scope,
        String policyJson,
        String description,
        Instant createdAt,
        Instant updatedAt,
        String updatedBy) {}
