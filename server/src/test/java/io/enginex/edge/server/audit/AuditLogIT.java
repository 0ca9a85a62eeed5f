package io.enginex.edge.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.testing.TestServices;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log service on a real H2 store: a tenant's events for its admins only (another tenant's
 * admin gets not found, an operator forbidden), hub-wide events for platform keys only, filters
 * checked with a 400, and paging by {@code limit + 1}.
 */
class AuditLogIT {
    private static final Caller ADMIN = new Caller("key_ad", "acme", Role.ADMIN);
    private static final AuditLog.Query ALL = new AuditLog.Query(null, null, null, null, null, null, 2);

    @TempDir
    Path dir;

    private TestServices s;
    private AuditLog log;

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        log = s.auditLog();
        for (int i = 0; i < 3; i++) {
            s.audit.record(
                    "acme",
                    AuditType.TENANT_UPDATED,
                    Actor.system(),
                    null,
                    Audit.Target.NONE,
                    Audit.Outcome.SUCCESS,
                    Map.of("n", i));
        }
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void onlyTheTenantsAdminsReadItsEvents() {
        assertThatThrownBy(() -> log.events(new Caller("key_x", "other", Role.OWNER), "acme", ALL))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> log.events(new Caller("key_op", "acme", Role.OPERATOR), "acme", ALL))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThatThrownBy(() -> log.events(ADMIN, null, ALL)).isInstanceOf(HubException.Forbidden.class);
        assertThatThrownBy(() -> log.verify(ADMIN, null)).isInstanceOf(HubException.Forbidden.class);

        assertThat(log.events(ADMIN, "acme", ALL)).hasSize(3); // a page of 2, and one more: there are more
        assertThat(log.verify(ADMIN, "acme").verified()).isTrue();
        assertThat(log.events(new Caller("key_p", null, Role.PLATFORM_ADMIN), null, ALL))
                .isEmpty();
    }

    @Test
    void filtersAreCheckedWithABadRequest() {
        assertThatThrownBy(
                        () -> log.events(ADMIN, "acme", new AuditLog.Query("nope", null, null, null, null, null, 10)))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThatThrownBy(() -> log.events(ADMIN, "acme", new AuditLog.Query(null, null, "meh", null, null, null, 10)))
                .isInstanceOf(HubException.BadRequest.class);
        assertThatThrownBy(() -> log.events(ADMIN, "acme", new AuditLog.Query(null, null, null, null, null, null, 501)))
                .isInstanceOf(HubException.BadRequest.class);
        assertThat(log.events(
                        ADMIN, "acme", new AuditLog.Query("tenant.updated", null, "success", null, null, null, 10)))
                .hasSize(3);
    }
}
