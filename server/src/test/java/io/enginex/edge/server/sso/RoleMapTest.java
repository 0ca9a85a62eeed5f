package io.enginex.edge.server.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleMapTest {
    private final RoleMap map =
            RoleMap.parse(Map.of("staff", "viewer", "it-ops", "operator", "hub-admins", "admin", "founders", "owner"));

    @Test
    void aPersonGetsTheHighestRoleOfTheirMappedGroups() {
        assertThat(map.roleOf(List.of("staff"))).contains(Role.VIEWER);
        assertThat(map.roleOf(List.of("it-ops", "staff"))).contains(Role.OPERATOR);
        assertThat(map.roleOf(List.of("staff", "founders", "it-ops"))).contains(Role.OWNER);
        assertThat(map.roleOf(List.of("contractors", "hub-admins"))).contains(Role.ADMIN);
    }

    @Test
    void noMappedGroupGivesNoRole() {
        assertThat(map.roleOf(List.of())).isEmpty();
        assertThat(map.roleOf(List.of("contractors", "Staff"))).isEmpty();
    }

    @Test
    void whetherTheMapGivesOwner() {
        assertThat(map.grantsOwner()).isTrue();
        assertThat(RoleMap.parse(Map.of("staff", "viewer")).grantsOwner()).isFalse();
    }

    @Test
    void refusesAnEmptyMapABlankGroupAndARoleThatIsNotATenantRole() {
        assertThatThrownBy(() -> RoleMap.parse(Map.of()))
                .isInstanceOfSatisfying(
                        HubException.BadRequest.class, e -> assertThat(e.code()).isEqualTo("invalid_role_map"));
        assertThatThrownBy(() -> RoleMap.parse(Map.of(" ", "viewer"))).hasMessageContaining("1 to 256 characters");
        assertThatThrownBy(() -> RoleMap.parse(Map.of("ops", "platform-admin")))
                .hasMessageContaining("group ops")
                .hasMessageContaining("owner, admin, operator, viewer");
        var tooMany = new LinkedHashMap<String, String>();
        for (int i = 0; i <= RoleMap.MAX_GROUPS; i++) {
            tooMany.put("g" + i, "viewer");
        }
        assertThatThrownBy(() -> RoleMap.parse(tooMany)).hasMessageContaining("at most " + RoleMap.MAX_GROUPS);
    }
}
