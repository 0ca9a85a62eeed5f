package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A registered agent. {@code publicKey} is the base64 X.509 SubjectPublicKeyInfo of its Ed25519
 * key; {@code toolsJson} is the JSON array of tool descriptors from its last hello.
 */
public record Agent(
        String id,
        String tenantId,
        String publicKey,
        String hostname,
        String os,
        String arch,
        String agentVersion,
        List<String> labels,
        String toolsJson,
        String registrationTokenId,
        Instant createdAt,
        Instant lastSeenAt,
        Instant revokedAt) {
    public Agent {
        labels = labels == null ? List.of() : List.copyOf(labels);
        toolsJson = toolsJson == null ? "[]" : toolsJson;
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
