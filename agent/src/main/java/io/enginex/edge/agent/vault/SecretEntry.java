package io.enginex.edge.agent.vault;

import java.time.Instant;
import java.util.Objects;

/**
 * One secret in the vault. {@link #toString()} leaves the value out.
 *
 * @param name the name tools reference it by ({@code secret:NAME})
 * @param value the value; never logged, returned in a result or written anywhere but sealed
 * @param created when it was set
 * @param expires when it is removed, or null for never
 * @param approvalRequired true when the tenant defined it with {@code use: approval}: only a job a
 *     person approved on the hub may use it
 * @param consentRequired true when the tenant defined it with {@code use: consent}: every use needs the
 *     consent of the person at the machine, asked through their session
 * @param fromHub true when the hub delivered it (a tenant secret), so the hub may remove it again;
 *     false for a secret set on the machine
 */
public record SecretEntry(
        String name,
        String value,
        Instant created,
        Instant expires,
        boolean approvalRequired,
        boolean consentRequired,
        boolean fromHub) {
    public SecretEntry {
        SecretNames.check(name);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(created, "created");
    }

    /** A secret set on the machine, which any job its policy grants it to may use. */
    public SecretEntry(String name, String value, Instant created, Instant expires) {
        this(name, value, created, expires, false, false, false);
    }

    /** True once {@code now} reached the expiry. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    @Override
    public String toString() {
        return "SecretEntry[name=" + name + ", created=" + created + ", expires=" + expires
                + (approvalRequired ? ", approvalRequired" : "") + (consentRequired ? ", consentRequired" : "")
                + (fromHub ? ", fromHub" : "") + "]";
    }
}
