package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A pending agent enrolment by the device authorization grant (RFC 8628). The device code itself is
 * never stored, only its hash; the user code is what a person types.
 *
 * @param status {@code pending}, {@code approved}, {@code denied} or {@code consumed}
 * @param tenantId the tenant the device asked to join (set while pending; only that tenant's admins
 *     see it) or the approver chose; null for a device that named none, until approved
 * @param agentId the agent made at approval, or null
 * @param machineId the hashed machine id the agent sent (64 hex digits), or null
 */
public record DeviceCode(
        String deviceCodeHash,
        String userCode,
        String publicKey,
        String hostname,
        String os,
        String arch,
        String username,
        String agentVersion,
        String sourceIp,
        Instant createdAt,
        Instant expiresAt,
        int intervalSeconds,
        Instant lastPolledAt,
        String status,
        String tenantId,
        List<String> labels,
        String decidedBy,
        String agentId,
        String machineId) {}
