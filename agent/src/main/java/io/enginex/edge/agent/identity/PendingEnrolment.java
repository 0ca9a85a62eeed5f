package io.enginex.edge.agent.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrolment by device code that waits for an admin's approval: what {@code enginex-agent identity
 * show} prints before the agent has an identity. Holds no secret: not the device code (the agent keeps
 * it in memory only) and not the private key, only the public key's fingerprint.
 *
 * @param tenant the tenant the device asked to join, or null for none named
 * @param keyFingerprint the new device key's {@link io.enginex.edge.protocol.KeyFingerprint}, as the
 *     admin sees it on the approval page
 */
public record PendingEnrolment(
        String hub,
        String tenant,
        String userCode,
        String verificationUriComplete,
        String keyFingerprint,
        Instant startedAt,
        Instant expiresAt) {
    public PendingEnrolment {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(userCode, "userCode");
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the code can still be approved at {@code now}. */
    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
