package io.enginex.edge.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.testing.TestServices;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies service on a real H2 store: another tenant's caller is refused as not found, an
 * operator may read but not change; a change and its one audit event commit together, so a failed
 * audit write leaves no policy (and pushes nothing, tells no live view).
 */
class PoliciesIT {
    private static final Caller ADMIN = new Caller("key_ad", "acme", Role.ADMIN);

    @TempDir
    Path dir;

    private TestServices s;
    private Policies policies;

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        policies = s.policies();
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aCallerOfAnotherTenantIsRefusedAsNotFoundAndAnOperatorMayOnlyRead() {
        Caller stranger = new Caller("key_x", "other", Role.OWNER);
        Caller operator = new Caller("key_op", "acme", Role.OPERATOR);

        assertThatThrownBy(() -> policies.set(stranger, "acme", "tenant", version1(), null, Origin.api(null)))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> policies.list(stranger, "acme")).isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> policies.set(operator, "acme", "tenant", version1(), null, Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));

        assertThat(policies.list(operator, "acme")).isEmpty();
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void aChangeAndADeletionAreEachAuditedOnceAndTellLiveViews() {
        var set = policies.set(ADMIN, "acme", "label:office", version1(), "offices", Origin.api("10.0.0.1"));
        var replaced = policies.set(ADMIN, "acme", "label:office", version1(), "offices", Origin.api(null));
        policies.delete(ADMIN, "acme", set.policy().id(), Origin.api(null));

        assertThat(set.created()).isTrue();
        assertThat(replaced.created()).isFalse();
        assertThat(s.events("acme", "policy.changed")).hasSize(2);
        assertThat(s.events("acme", "policy.deleted"))
                .singleElement()
                .satisfies(e -> assertThat(e.targetId()).isEqualTo(set.policy().id()));
        assertThat(s.changed).containsExactly("acme", "acme", "acme");
        assertThat(policies.list(ADMIN, "acme")).isEmpty();
    }

    @Test
    void aFailedAuditWriteLeavesNoPolicy() {
        s.failNextAuditWrite();

        assertThatThrownBy(() -> policies.set(ADMIN, "acme", "tenant", version1(), null, Origin.api(null)))
                .hasMessageContaining("audit write failed");

        assertThat(policies.list(ADMIN, "acme")).isEmpty();
        assertThat(s.changed).isEmpty();
    }

    @Test
    void anInvalidPolicyIsABadRequestAndWritesNothing() {
        assertThatThrownBy(() -> policies.set(
                        ADMIN,
                        "acme",
                        "tenant",
                        s.mapper.createObjectNode().put("version", "x"),
                        null,
                        Origin.api(null)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_policy");
                    assertThat(e.httpStatus()).isEqualTo(400);
                });
        assertThat(s.auditLength("acme")).isZero();
    }

    private com.fasterxml.jackson.databind.JsonNode version1() {
        return s.mapper.createObjectNode().put("version", 1);
    }
}
