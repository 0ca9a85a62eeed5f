package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A registered agent. {@code publicKey} is the base64 X.509 SubjectPublicKeyInfo of its Ed25519
 * key; {@code toolsJson} is the JSON array of tool descriptors from its last hello as stored, and
 * {@code tools} the same, parsed once into a {@link ToolCatalogue} when this value is made (pass null
 * to have it parsed from {@code toolsJson}).
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

    /**
     * An agent as registration makes it: no tools until its first hello, never seen, not revoked.
     *
     * @param registrationTokenId the token it enrolled with, or null (device flow)
     */
    public static Agent registered(
            String id,
            String tenantId,
            String publicKey,
            String hostname,
            String os,
            String arch,
            String agentVersion,
            List<String> labels,
            String registrationTokenId,
            Instant createdAt) {
        return new Agent(
                id,
                tenantId,
                publicKey,
                hostname,
                os,
                arch,
                agentVersion,
                labels,
                "[]",
                registrationTokenId,
                createdAt,
                null,
                null,
                null);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
