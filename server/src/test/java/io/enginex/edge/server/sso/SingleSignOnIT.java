package io.enginex.edge.server.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.testing.TestOidcProvider;
import io.enginex.edge.server.testing.TestServices;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single sign-on service on a real H2 store and a real OpenID provider: another tenant's caller
 * is refused as not found and a viewer may not read; a change and its one audit event commit
 * together, so a failed audit write leaves no configuration; a sign-in that was not started
 * ({@link SingleSignOn#finish} without its state) is refused and recorded.
 */
class SingleSignOnIT {
    private static final Caller ADMIN = new Caller("key_ad", "acme", Role.ADMIN);

    static TestOidcProvider idp;

    @TempDir
    Path dir;

    private TestServices s;
    private SingleSignOn sso;

    @BeforeAll
    static void provider() {
        idp = TestOidcProvider.start();
    }

    @AfterAll
    static void stopProvider() {
        idp.close();
    }

    @BeforeEach
    void open() {
        s = new TestServices(dir);
        sso = s.singleSignOn("http://127.0.0.1:8443");
    }

    @AfterEach
    void close() {
        s.close();
    }

    private static SingleSignOn.Request request(String secret) {
        return new SingleSignOn.Request(
                "Acme Login",
                idp.issuer("acme"),
                "enginex",
                secret,
                null,
                null,
                Map.of("staff", "viewer", "hub-admins", "admin"));
    }

    @Test
    void aCallerOfAnotherTenantIsRefusedAsNotFoundAndAViewerMayNotRead() {
        Caller stranger = new Caller("key_x", "other", Role.OWNER);
        Caller viewer = new Caller("key_v", "acme", Role.VIEWER);

        assertThatThrownBy(() -> sso.configure(stranger, "acme", request("s3cret"), Origin.api(null)))
                .isInstanceOfSatisfying(
                        HubException.NotFound.class, e -> assertThat(e.code()).isEqualTo("tenant_not_found"));
        assertThatThrownBy(() -> sso.settings(stranger, "acme")).isInstanceOf(HubException.NotFound.class);
        assertThatThrownBy(() -> sso.settings(viewer, "acme")).isInstanceOf(HubException.Forbidden.class);
        assertThat(s.auditLength("acme")).isZero();
    }

    @Test
    void aChangeAndItsAuditEventCommitTogether() {
        s.failNextAuditWrite();
        assertThatThrownBy(() -> sso.configure(ADMIN, "acme", request("s3cret"), Origin.api("10.0.0.9")))
                .isInstanceOf(RuntimeException.class);
        assertThat(s.stores.oidcProviders().find("acme")).isEmpty();

        var change = sso.configure(ADMIN, "acme", request("s3cret"), Origin.api("10.0.0.9"));
        assertThat(change.created()).isTrue();
        assertThat(change.settings().redirectUri()).isEqualTo("http://127.0.0.1:8443" + SingleSignOn.CALLBACK);
        assertThat(s.events("acme", "oidc.configured")).hasSize(1);
        assertThat(s.events("acme", "oidc.configured").getFirst().detailsJson())
                .contains("\"client_secret\":\"set\"")
                .doesNotContain("s3cret");

        s.failNextAuditWrite();
        assertThatThrownBy(() -> sso.remove(ADMIN, "acme", Origin.api(null))).isInstanceOf(RuntimeException.class);
        assertThat(s.stores.oidcProviders().find("acme")).isPresent();
        sso.remove(ADMIN, "acme", Origin.api(null));
        assertThat(s.stores.oidcProviders().find("acme")).isEmpty();
        assertThat(s.events("acme", "oidc.removed")).hasSize(1);
    }

    @Test
    void aSignInThatWasNotStartedIsRefusedAndRecorded() {
        sso.configure(ADMIN, "acme", request("s3cret"), Origin.api(null));

        assertThatThrownBy(() -> sso.finish(
                        "not-a-sealed-state",
                        Map.of("code", List.of("c"), "state", List.of("s")),
                        Origin.dashboard("10.0.0.7")))
                .isInstanceOfSatisfying(
                        HubException.Unauthenticated.class,
                        e -> assertThat(e.code()).isEqualTo("oidc_state_invalid"));
        assertThat(s.stores.audit().list(null, null, null, null, null, 100).stream()
                        .filter(e -> e.type().equals("login.failed"))
                        .map(e -> e.detailsJson())
                        .toList())
                .anySatisfy(d -> assertThat(d).contains("oidc_state_invalid"));
    }

    @Test
    void aStartedSignInNamesTheProviderAndCarriesItsStateSealed() {
        sso.configure(ADMIN, "acme", request("s3cret"), Origin.api(null));

        SingleSignOn.Start start = sso.begin("acme", "/ui/fleet");

        assertThat(start.authorizationUrl().toString()).startsWith(idp.issuer("acme") + "/authorize?");
        assertThat(start.stateCookie()).doesNotContain("acme").doesNotContain("/ui/fleet");
        assertThatThrownBy(() -> sso.begin("other", "/ui/fleet"))
                .isInstanceOfSatisfying(
                        HubException.NotFound.class, e -> assertThat(e.code()).isEqualTo("oidc_not_configured"));
    }
}
