package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.testing.TestServices;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device approvals service on a real H2 store: only an admin of the tenant decides; an admin of
 * another tenant cannot approve into it; an approval writes the agent with {@code device.approved}
 * and {@code agent.enrolled} once each in one transaction, so a failed audit write leaves the request
 * pending and no agent.
 */
class DeviceApprovalsIT {
    private static final Caller ADMIN = new Caller("usr_ad", "acme", Role.ADMIN, Caller.Kind.USER, true);

    @TempDir
    Path dir;

    private TestServices s;
    private DeviceApprovals devices;

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        devices = s.deviceApprovals();
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void anAdminOfAnotherTenantCannotApproveIntoItAndAnOperatorNotAtAll() throws Exception {
        String code = start("acme");
        Caller stranger = new Caller("key_x", "other", Role.ADMIN);
        Caller operator = new Caller("key_op", "acme", Role.OPERATOR);

        assertThatThrownBy(() -> devices.approve(stranger, code, "acme", List.of(), Origin.api(null)))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> devices.pending(stranger, "acme")).isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> devices.approve(operator, code, null, List.of(), Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThatThrownBy(() -> devices.find(stranger, code))
                .isInstanceOfSatisfying(
                        HubException.NotFound.class, e -> assertThat(e.code()).isEqualTo("device_code_not_found"));

        assertThat(devices.pending(ADMIN, "acme")).hasSize(1);
        assertThat(s.stores.agents().list("acme")).isEmpty();
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void anApprovalIsAuditedOnceAndTellsLiveViews() throws Exception {
        String code = start("acme");

        var agent = devices.approve(ADMIN, code, null, List.of("office"), Origin.dashboard("10.0.0.1"));

        assertThat(agent.tenantId()).isEqualTo("acme");
        assertThat(s.events("acme", "device.approved")).singleElement().satisfies(e -> {
            assertThat(e.targetId()).isEqualTo(agent.id());
            assertThat(e.detailsJson()).contains("\"via\":\"dashboard\"");
        });
        assertThat(s.events("acme", "agent.enrolled")).hasSize(1);
        assertThat(s.changed).containsExactly("acme");
        assertThat(devices.pending(ADMIN, "acme")).isEmpty();
    }

    @Test
    void aFailedAuditWriteLeavesTheRequestPendingAndNoAgent() throws Exception {
        String code = start("acme");
        s.failNextAuditWrite();

        assertThatThrownBy(() -> devices.approve(ADMIN, code, null, List.of(), Origin.api(null)))
                .hasMessageContaining("audit write failed");

        assertThat(s.stores.agents().list("acme")).isEmpty();
        assertThat(devices.pending(ADMIN, "acme")).hasSize(1);
        assertThat(s.auditLength("acme")).isZero();
        assertThat(s.changed).isEmpty();
    }

    @Test
    void aDenialRecordsTheFailedEnrolmentAndItsDecisionOnce() throws Exception {
        String code = start("acme");

        devices.deny(ADMIN, code, Origin.api("10.0.0.3"));

        assertThat(s.events("acme", "device.denied")).hasSize(1);
        assertThat(s.events("acme", "enrolment.failed")).hasSize(1);
        assertThatThrownBy(() -> devices.deny(ADMIN, code, Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        assertThat(s.events("acme", "device.denied")).hasSize(1);
    }

    private String start(String tenant) throws Exception {
        String key = Base64.getEncoder()
                .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                        .generateKeyPair()
                        .getPublic()
                        .getEncoded());
        return devices.start(
                        new DeviceAuthorizations.Request(key, "host-1", "Linux", "amd64", "ada", "1.0", null, tenant),
                        "10.0.0.9")
                .userCode();
    }
}
