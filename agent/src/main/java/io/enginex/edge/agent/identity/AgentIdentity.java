package io.enginex.edge.agent.identity;

import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.KeyFingerprint;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * This agent's identity: the id and tenant the hub assigned, the hub it belongs to and how to trust
 * it, and the device key pair. {@link #toString()} shows the key's fingerprint, never the key.
 *
 * @param labels labels the registration token granted, as the hub reported them
 * @param hubs every address of the hub (its nodes, when it runs as several without a load balancer)
 * @param registeredAt when registration succeeded
 * @param keyCreatedAt when the current device key was made (at registration, then at each rotation);
 *     scheduled rotation counts the key's age from it
 */
public record AgentIdentity(
        String agentId,
        String tenant,
        List<String> labels,
        HubAddresses hubs,
        TrustSettings trust,
        PublicKey publicKey,
        PrivateKey privateKey,
        Instant registeredAt,
        Instant keyCreatedAt) {
    public AgentIdentity {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(tenant, "tenant");
        labels = labels == null ? List.of() : List.copyOf(labels);
        Objects.requireNonNull(hubs, "hubs");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(keyCreatedAt, "keyCreatedAt");
    }

    /** An identity whose key was made when it registered. */
    public AgentIdentity(
            String agentId,
            String tenant,
            List<String> labels,
            HubAddresses hubs,
            TrustSettings trust,
            PublicKey publicKey,
            PrivateKey privateKey,
            Instant registeredAt) {
        this(agentId, tenant, labels, hubs, trust, publicKey, privateKey, registeredAt, registeredAt);
    }

    /** The first of the hub's addresses, for messages that name one. */
    public HubEndpoint hub() {
        return hubs.first();
    }

    /** This identity with {@code replacement} as the hub's addresses. */
    public AgentIdentity withHubs(HubAddresses replacement) {
        return new AgentIdentity(
                agentId, tenant, labels, replacement, trust, publicKey, privateKey, registeredAt, keyCreatedAt);
    }

    /** This identity with {@code key} as its device key, dated from when that key was made. */
    public AgentIdentity withKey(PendingKey key) {
        return new AgentIdentity(
                agentId, tenant, labels, hubs, trust, key.publicKey(), key.privateKey(), registeredAt, key.createdAt());
    }

    /** The public key as sent to the hub: base64 of the X.509 SubjectPublicKeyInfo DER. */
    public String publicKeyBase64() {
        return encodePublicKey(publicKey);
    }

    /** {@code SHA256:<base64>} of the public key's DER, for a person to compare with the dashboard. */
    public String fingerprint() {
        return fingerprint(publicKey);
    }

    public static String encodePublicKey(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** The protocol's {@link KeyFingerprint}, the form the hub shows where an admin approves this device. */
    public static String fingerprint(PublicKey key) {
        return KeyFingerprint.of(key);
    }

    @Override
    public String toString() {
        return "AgentIdentity[agentId=" + agentId + ", tenant=" + tenant + ", hubs=" + hubs + ", key=" + fingerprint()
                + "]";
    }
}
