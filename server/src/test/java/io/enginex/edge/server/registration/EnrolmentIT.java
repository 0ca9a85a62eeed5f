package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.idempotency.IdempotentRequest;
import io.enginex.edge.server.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The enrolment service on a real H2 store: a caller of another tenant is refused as not found and
 * writes nothing; a token, a revocation and a registration each write their audit events once, in
 * the transaction of the change, so a failed audit write leaves no change and a rolled-back create
 * no event; a refused registration is recorded although nothing else is written.
 */
class EnrolmentIT {
    private static final Caller OPERATOR = new Caller("key_op", "acme", Role.OPERATOR);
    private static final Caller STRANGER = new Caller("key_x", "other", Role.ADMIN);
    private static final Enrolment.TokenRequest ONE_USE =
            new Enrolment.TokenRequest(Duration.ofHours(1), 1, List.of("office"), "laptops", null);

    @TempDir
    Path dir;

    private TestServices s;
    private Enrolment enrolment;

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        enrolment = s.enrolment();
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aCallerOfAnotherTenantIsRefusedAsNotFoundAndNothingIsWritten() {
        var issued = enrolment.issueToken(OPERATOR, "acme", ONE_USE, Origin.api("10.0.0.1"));

        assertThatThrownBy(() -> enrolment.issueToken(STRANGER, "acme", ONE_USE, Origin.api(null)))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() ->
                        enrolment.revokeToken(STRANGER, "acme", issued.token().id(), Origin.api(null)))
                .isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> enrolment.tokens(STRANGER, "acme")).isInstanceOf(HubException.NotFound.class);

        assertThat(s.stores.registrationTokens().list("acme"))
                .singleElement()
                .satisfies(t -> assertThat(t.revokedAt()).isNull());
        assertThat(s.events("acme", "token.created")).hasSize(1);
        assertThat(s.events("acme", "token.revoked")).isEmpty();
    }

    @Test
    void aViewerMayNotIssueATokenAndValidationErrorsCarryTheirStatus() {
        Caller viewer = new Caller("key_v", "acme", Role.VIEWER);

        assertThatThrownBy(() -> enrolment.issueToken(viewer, "acme", ONE_USE, Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));
        assertThatThrownBy(() -> enrolment.issueToken(
                        OPERATOR,
                        "acme",
                        new Enrolment.TokenRequest(Duration.ofHours(1), 1, List.of(), "d".repeat(201), null),
                        Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThatThrownBy(() -> enrolment.revokeToken(OPERATOR, "acme", "rt_nope", Origin.api(null)))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.code()).isEqualTo("token_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThat(s.stores.registrationTokens().list("acme")).isEmpty();
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void aTokenAndItsRevocationAreEachAuditedOnceWithWhereTheyWereMade() {
        var issued = enrolment.issueToken(OPERATOR, "acme", ONE_USE, Origin.dashboard("10.0.0.1"));
        enrolment.revokeToken(OPERATOR, "acme", issued.token().id(), Origin.api("10.0.0.2"));

        assertThat(s.events("acme", "token.created")).singleElement().satisfies(e -> {
            assertThat(e.targetId()).isEqualTo(issued.token().id());
            assertThat(e.sourceIp()).isEqualTo("10.0.0.1");
            assertThat(e.detailsJson()).contains("\"via\":\"dashboard\"");
        });
        assertThat(s.events("acme", "token.revoked")).singleElement().satisfies(e -> {
            assertThat(e.sourceIp()).isEqualTo("10.0.0.2");
            assertThat(e.detailsJson()).doesNotContain("via");
        });
        assertThat(enrolment.tokens(OPERATOR, "acme"))
                .singleElement()
                .satisfies(use -> assertThat(use.token().revokedAt()).isNotNull());
    }

    @Test
    void aFailedAuditWriteLeavesTheTokenUnrevoked() {
        var issued = enrolment.issueToken(OPERATOR, "acme", ONE_USE, Origin.api(null));
        s.failNextAuditWrite();

        assertThatThrownBy(() ->
                        enrolment.revokeToken(OPERATOR, "acme", issued.token().id(), Origin.api(null)))
                .hasMessageContaining("audit write failed");

        assertThat(s.stores.registrationTokens().find("acme", issued.token().id()))
                .hasValueSatisfying(t -> assertThat(t.revokedAt()).isNull());
        assertThat(s.events("acme", "token.revoked")).isEmpty();
    }

    @Test
    void aRolledBackIdempotentTokenCreateLeavesNeitherTheTokenNorItsEvent() {
        var request = new IdempotentRequest(
                "acme", "key_op", "key-1", "POST", "/tokens", "{}".getBytes(StandardCharsets.UTF_8));
        var creation = enrolment.newToken(OPERATOR, "acme", ONE_USE, Origin.api(null), issued -> {
            throw new IllegalStateException("the answer cannot be written");
        });

        assertThatThrownBy(() -> s.creates.create(request, creation)).hasMessageContaining("answer cannot be written");

        assertThat(s.stores.registrationTokens().list("acme")).isEmpty();
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void aRegistrationWritesTheAgentAndItsTwoEventsTogetherAndTellsLiveViews() throws Exception {
        var issued = enrolment.issueToken(OPERATOR, "acme", ONE_USE, Origin.api(null));

        var registered = enrolment.register(request(issued.secret()), "a".repeat(64), "10.0.0.9");

        assertThat(registered.agent().tenantId()).isEqualTo("acme");
        assertThat(registered.agent().labels()).containsExactly("office");
        assertThat(s.events("acme", "token.used"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.detailsJson()).contains(registered.agent().id()));
        assertThat(s.events("acme", "agent.enrolled")).singleElement().satisfies(e -> {
            assertThat(e.targetId()).isEqualTo(registered.agent().id());
            assertThat(e.sourceIp()).isEqualTo("10.0.0.9");
        });
        assertThat(s.stores.machines().find("acme", registered.agent().id())).isPresent();
        assertThat(s.changed).containsExactly("acme");
    }

    @Test
    void aFailedAuditWriteLeavesNoAgentAndTheTokenUnspent() throws Exception {
        var issued = enrolment.issueToken(OPERATOR, "acme", ONE_USE, Origin.api(null));
        s.failNextAuditWrite();

        assertThatThrownBy(() -> enrolment.register(request(issued.secret()), null, "10.0.0.9"))
                .hasMessageContaining("audit write failed");

        assertThat(s.stores.agents().list("acme")).isEmpty();
        assertThat(s.stores.registrationTokens().list("acme"))
                .singleElement()
                .satisfies(t -> assertThat(t.uses()).isZero());
        assertThat(s.events("acme", "agent.enrolled")).isEmpty();
        assertThat(s.changed).isEmpty();
    }

    @Test
    void aRefusedTokenIsRecordedOnceAndNothingElseIsWritten() throws Exception {
        var issued = enrolment.issueToken(OPERATOR, "acme", ONE_USE, Origin.api(null));
        enrolment.revokeToken(OPERATOR, "acme", issued.token().id(), Origin.api(null));

        assertThatThrownBy(() -> enrolment.register(request(issued.secret()), null, "10.0.0.9"))
                .isInstanceOfSatisfying(HubException.Unauthenticated.class, e -> {
                    assertThat(e.code()).isEqualTo("token_revoked");
                    assertThat(e.httpStatus()).isEqualTo(401);
                });

        assertThat(s.events("acme", "enrolment.failed"))
                .singleElement()
                .satisfies(e -> assertThat(e.detailsJson()).contains("token_revoked"));
        assertThat(s.events("acme", "agent.enrolled")).isEmpty();
        assertThat(s.stores.agents().list("acme")).isEmpty();
    }

    private static AgentRegistration.Request request(String token) throws Exception {
        String key = Base64.getEncoder()
                .encodeToString(KeyPairGenerator.getInstance("Ed25519")
                        .generateKeyPair()
                        .getPublic()
                        .getEncoded());
        return new AgentRegistration.Request(token, key, "host-1", "Linux", "amd64", "1.0");
    }
}
