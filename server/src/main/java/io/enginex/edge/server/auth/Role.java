package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a user or API key may do. Stored and shown in lower case with dashes ({@code
 * platform-admin}). Declared from most to least privileged, so {@link #atLeast} compares ordinals.
 */
public enum Role {
    /** Any tenant, everything; tenant null. Made on first start. */
    PLATFORM_ADMIN,
    /** One tenant, everything, including making other owners. */
    OWNER,
    /** One tenant, everything but making or changing owners. */
    ADMIN,
    /** One tenant: dispatch jobs, manage tokens and agents. */
    OPERATOR,
    /** One tenant, read only. */
    VIEWER;

    /** Whether this role may do what {@code other} may. */
    public boolean atLeast(Role other) {
        return ordinal() <= other.ordinal();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a role a tenant key or user may have ({@code owner}, {@code admin}, {@code operator}, {@code viewer}).
     *
     * @throws HubException.BadRequest for anything else, naming the allowed values
     */
    public static Role parseTenantRole(String value) {
        for (Role role : values()) {
            if (role != PLATFORM_ADMIN && role.wire().equals(value)) {
                return role;
            }
        }
        String allowed = Arrays.stream(values())
                .filter(r -> r != PLATFORM_ADMIN)
                .map(Role::wire)
                .collect(Collectors.joining(", "));
        throw new HubException.BadRequest("role must be one of " + allowed + "; got " + quote(value));
    }

    /** Parses a stored role; unknown values are treated as viewer, the least privilege. */
    public static Role fromWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return role;
            }
        }
        return VIEWER;
    }

    private static String quote(String s) {
        return s == null ? "nothing" : '"' + s + '"';
    }
}
