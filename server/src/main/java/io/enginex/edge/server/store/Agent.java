package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A registered agent. {@code publicKey} is the base64 X.509 SubjectPublicKeyInfo of its Ed25519
 * key; {@code toolsJson} is the JSON array of tool descriptors from its last hello as stored, and
 * {@code tools} the same, parsed once into a {@link ToolCatalogue} when this value is made.
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
        Instant revokedAt,
        ToolCatalogue tools) {
    public Agent {
        labels = labels == null ? List.of() : List.copyOf(labels);
        toolsJson = toolsJson == null ? "[]" : toolsJson;
        tools = tools == null ? ToolCatalogue.parse(toolsJson) : tools;
    }

    /** An agent whose tools are parsed from {@code toolsJson}. */
    public Agent(
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
        this(
                id,
                tenantId,
                publicKey,
                hostname,
                os,
                arch,
                agentVersion,
                labels,
                toolsJson,
                registrationTokenId,
                createdAt,
                lastSeenAt,
                revokedAt,
                null);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
