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
 */
public record SecretEntry(String name, String value, Instant created, Instant expires) {
    public SecretEntry {
        SecretNames.check(name);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(created, "created");
    }

    /** True once {@code now} reached the expiry. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    @Override
    public String toString() {
        return "SecretEntry[name=" + name + ", created=" + created + ", expires=" + expires + "]";
    }
}
