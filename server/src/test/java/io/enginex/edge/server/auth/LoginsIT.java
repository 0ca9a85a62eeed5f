package io.enginex.edge.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.idempotency.IdempotentRequest;
import io.enginex.edge.server.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logins service on a real H2 store: another tenant's caller is refused as not found; roles are
 * checked (an admin may not make an owner); each change writes its audit event once in its own
 * transaction, so a failed audit write leaves no user, session or revocation behind; a failed
 * sign-in is audited although nothing else is written.
 */
class LoginsIT {
    private static final Caller ADMIN = new Caller("key_ad", "acme", Role.ADMIN);
    private static final Caller STRANGER = new Caller("key_x", "other", Role.OWNER);
    private static final String PASSWORD = "amber violin tundra 42";

    @TempDir
    Path dir;

    private TestServices s;
    private Logins logins;

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        logins = s.logins();
    }

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aCallerOfAnotherTenantIsRefusedAsNotFoundAndNothingIsWritten() {
        assertThatThrownBy(() ->
                        logins.createUser(STRANGER, "acme", "eve@example.com", Role.ADMIN, PASSWORD, Origin.api(null)))
                .isInstanceOfSatisfying(HubException.NotFound.class, e -> {
                    assertThat(e.code()).isEqualTo("tenant_not_found");
                    assertThat(e.httpStatus()).isEqualTo(404);
                });
        assertThatThrownBy(() -> logins.users(STRANGER, "acme")).isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> logins.apiKeys(STRANGER, "acme")).isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> s.creates.once(
                        logins.newApiKey(STRANGER, "acme", Role.OPERATOR, "ci", Origin.api(null), k -> null)))
                .isInstanceOf(HubException.NotFound.class);

        assertThat(s.stores.users().list("acme")).isEmpty();
        assertThat(s.stores.apiKeys().list("acme")).isEmpty();
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void anAdminMayNotMakeAnOwnerAndAnOperatorNoUsers() {
        assertThatThrownBy(
                        () -> logins.createUser(ADMIN, "acme", "o@example.com", Role.OWNER, PASSWORD, Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.Forbidden.class,
                        e -> assertThat(e.httpStatus()).isEqualTo(403));
        Caller operator = new Caller("key_op", "acme", Role.OPERATOR);
        assertThatThrownBy(() ->
                        logins.createUser(operator, "acme", "u@example.com", Role.VIEWER, PASSWORD, Origin.api(null)))
                .isInstanceOf(HubException.Forbidden.class);
        assertThat(s.stores.users().list("acme")).isEmpty();
    }

    @Test
    void signingInWritesTheSessionAndOneSucceededEvent() {
        var user = logins.createUser(ADMIN, "acme", "ada@example.com", Role.OPERATOR, PASSWORD, Origin.api(null))
                .user();

        var login = logins.signIn("ada@example.com", PASSWORD, Origin.dashboard("10.0.0.1"));

        assertThat(login.user().id()).isEqualTo(user.id());
        assertThat(s.events("acme", "user.created")).hasSize(1);
        assertThat(s.events("acme", "login.succeeded")).singleElement().satisfies(e -> {
            assertThat(e.actorId()).isEqualTo(user.id());
            assertThat(e.detailsJson()).contains("\"via\":\"dashboard\"");
        });
    }

    @Test
    void aWrongPasswordIsAuditedAsAFailureInTheUsersTenant() {
        logins.createUser(ADMIN, "acme", "ada@example.com", Role.OPERATOR, PASSWORD, Origin.api(null));

        assertThatThrownBy(() -> logins.signIn("ada@example.com", "wrong password!", Origin.api("10.0.0.2")))
                .isInstanceOfSatisfying(HubException.Unauthenticated.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_credentials");
                    assertThat(e.httpStatus()).isEqualTo(401);
                });

        assertThat(s.events("acme", "login.failed"))
                .singleElement()
                .satisfies(e -> assertThat(e.sourceIp()).isEqualTo("10.0.0.2"));
        assertThat(s.events("acme", "login.succeeded")).isEmpty();
    }

    @Test
    void aFailedAuditWriteLeavesNoSessionBehind() {
        logins.createUser(ADMIN, "acme", "ada@example.com", Role.OPERATOR, PASSWORD, Origin.api(null));
        s.failNextAuditWrite();

        assertThatThrownBy(() -> logins.signIn("ada@example.com", PASSWORD, Origin.api(null)))
                .hasMessageContaining("audit write failed");

        // The session written before the failed event was rolled back with it: no cookie works.
        assertThat(s.events("acme", "login.succeeded")).isEmpty();
        assertThat(s.stores.users().list("acme"))
                .singleElement()
                .satisfies(u -> assertThat(u.lastLoginAt()).isNull());
    }

    @Test
    void aKeyIsRevokedAndAuditedOnceAndAFailedAuditWriteLeavesItActive() {
        var issued = s.creates.once(logins.newApiKey(ADMIN, "acme", Role.OPERATOR, "ci", Origin.api(null), k -> null));
        s.failNextAuditWrite();

        assertThatThrownBy(() -> logins.revokeApiKey(ADMIN, "acme", issued.key().id(), Origin.api(null)))
                .hasMessageContaining("audit write failed");
        assertThat(s.stores.apiKeys().find("acme", issued.key().id()))
                .hasValueSatisfying(k -> assertThat(k.revokedAt()).isNull());

        logins.revokeApiKey(ADMIN, "acme", issued.key().id(), Origin.api(null));
        logins.revokeApiKey(ADMIN, "acme", issued.key().id(), Origin.api(null));

        assertThat(s.events("acme", "api-key.created")).hasSize(1);
        assertThat(s.events("acme", "api-key.revoked")).hasSize(1);
    }

    @Test
    void aRolledBackIdempotentKeyCreateLeavesNeitherTheKeyNorItsEvent() {
        var request = new IdempotentRequest(
                "acme", "key_ad", "key-1", "POST", "/api-keys", "{}".getBytes(StandardCharsets.UTF_8));
        var creation = logins.newApiKey(ADMIN, "acme", Role.OPERATOR, "ci", Origin.api(null), issued -> {
            throw new IllegalStateException("the answer cannot be written");
        });

        assertThatThrownBy(() -> s.creates.create(request, creation)).hasMessageContaining("answer cannot be written");

        assertThat(s.stores.apiKeys().list("acme")).isEmpty();
        assertThat(s.auditLength("acme")).isZero();
    }
}
