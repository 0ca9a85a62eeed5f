package io.enginex.edge.server.sso;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Role;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which role a person gets from the groups their OpenID provider lists: each group maps to one
 * tenant role, and a person in several mapped groups gets the highest of them. A person in no mapped
 * group gets none (and is refused). Immutable.
 */
record RoleMap(Map<String, Role> roles) {
    /** The most groups a map may name. */
    static final int MAX_GROUPS = 100;

    /** The longest group name. */
    static final int MAX_GROUP = 256;

    RoleMap {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    }

    /**
     * Parses a map from group to role name.
     *
     * @throws HubException.BadRequest {@code invalid_role_map} for no groups, too many, a blank or
     *     too long group, or a role that is not a tenant role
     */
    static RoleMap parse(Map<String, String> wire) {
        if (wire == null || wire.isEmpty()) {
            throw invalid("roleMap must map at least one group to a role, e.g. {\"hub-admins\": \"admin\"}");
        }
        if (wire.size() > MAX_GROUPS) {
            throw invalid("roleMap may map at most " + MAX_GROUPS + " groups; it has " + wire.size());
        }
        var roles = new LinkedHashMap<String, Role>();
        wire.forEach((group, role) -> {
            if (group == null || group.isBlank() || group.length() > MAX_GROUP) {
                throw invalid("every group in roleMap needs a name of 1 to " + MAX_GROUP + " characters");
            }
            try {
                roles.put(group, Role.parseTenantRole(role));
            } catch (HubException.BadRequest e) {
                throw invalid("group " + group + ": " + e.getMessage());
            }
        });
        return new RoleMap(roles);
    }

    /** The highest role the groups give, or empty when none of them is mapped. */
    Optional<Role> roleOf(Collection<String> groups) {
        Role best = null;
        for (String group : groups) {
            Role role = roles.get(group);
            if (role != null && (best == null || role.atLeast(best))) {
                best = role;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether some group gives the owner role (then only an owner may set or remove the map). */
    boolean grantsOwner() {
        return roles.containsValue(Role.OWNER);
    }

    /** The map as the API shows it: group to role name. */
    Map<String, String> wire() {
        var wire = new LinkedHashMap<String, String>();
        roles.forEach((group, role) -> wire.put(group, role.wire()));
        return wire;
    }

    private static HubException.BadRequest invalid(String message) {
        return new HubException.BadRequest("invalid_role_map", message);
    }
}
