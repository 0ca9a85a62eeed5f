package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.OidcProvider;
import io.enginex.edge.server.store.User;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Tenants' OpenID providers and the users single sign-on makes, on every database. */
interface SingleSignOnContract extends StoreFixture {
    @Test
    default void aTenantHasAtMostOneProviderSeenByThatTenantOnly() {
        String tenant = newTenant();
        String other = newTenant();
        var first = provider(tenant, "https://login.example.com/a", "{\"staff\":\"viewer\"}");

        assertThat(stores().oidcProviders().put(first)).isTrue();
        assertThat(stores().oidcProviders().find(tenant)).contains(first);
        assertThat(stores().oidcProviders().find(other)).isEmpty();

        var second = provider(tenant, "https://login.example.com/b", "{\"ops\":\"operator\"}");
        assertThat(stores().oidcProviders().put(second)).isFalse();
        assertThat(stores().oidcProviders().find(tenant)).contains(second);

        assertThat(stores().oidcProviders().delete(other)).isFalse();
        assertThat(stores().oidcProviders().delete(tenant)).isTrue();
        assertThat(stores().oidcProviders().find(tenant)).isEmpty();
    }

    @Test
    default void aFederatedUserIsTheSubjectOfAnIssuerInItsTenantHasNoPasswordAndKeepsItsEmail() {
        String tenant = newTenant();
        String other = newTenant();
        String issuer = "https://login.example.com/" + StoreFixture.id("i");
        String email = StoreFixture.id("f") + "@example.com";
        User user = stores().users()
                .createFederated(StoreFixture.id("usr"), tenant, email, "viewer", issuer, "sub-1", "oidc");

        assertThat(user.federated()).isTrue();
        assertThat(user.passwordHash()).isEqualTo(User.NO_PASSWORD);
        assertThat(stores().users().findBySubject(tenant, issuer, "sub-1")).contains(user);
        assertThat(stores().users().findBySubject(other, issuer, "sub-1")).isEmpty();
        assertThat(stores().users().findBySubject(tenant, issuer + "/other", "sub-1"))
                .isEmpty();
        assertThat(stores().users().findByEmail(email)).contains(user);

        assertThat(stores().users().setRole(other, user.id(), "admin")).isFalse();
        assertThat(stores().users().setRole(tenant, user.id(), "admin")).isTrue();
        assertThat(stores().users().find(tenant, user.id()).orElseThrow().role())
                .isEqualTo("admin");

        // one user per subject and issuer in a tenant; an email once on the hub
        assertThatThrownBy(() -> stores().users()
                        .createFederated(
                                StoreFixture.id("usr"),
                                tenant,
                                StoreFixture.id("g") + "@example.com",
                                "viewer",
                                issuer,
                                "sub-1",
                                "oidc"))
                .isInstanceOf(DuplicateException.class);
        assertThatThrownBy(() -> stores().users()
                        .createFederated(StoreFixture.id("usr"), other, email, "viewer", issuer, "sub-2", "oidc"))
                .isInstanceOf(DuplicateException.class);
        // the same subject of the same issuer may be a user of another tenant too
        var elsewhere = stores().users()
                .createFederated(
                        StoreFixture.id("usr"),
                        other,
                        StoreFixture.id("h") + "@example.com",
                        "viewer",
                        issuer,
                        "sub-1",
                        "oidc");
        assertThat(stores().users().findBySubject(other, issuer, "sub-1")).contains(elsewhere);
        // users of passwords have no subject, however many
        var local = stores().users()
                .create(StoreFixture.id("usr"), tenant, StoreFixture.id("p") + "@example.com", "viewer", "h", null);
        assertThat(local.federated()).isFalse();
        assertThat(stores().users().find(tenant, local.id()).orElseThrow().oidcSubject())
                .isNull();
    }

    private OidcProvider provider(String tenant, String issuer, String roleMap) {
        return new OidcProvider(
                tenant,
                "Login",
                issuer,
                "client-" + tenant,
                "sealed-" + StoreFixture.id("s"),
                "openid email",
                "groups",
                roleMap,
                now().truncatedTo(ChronoUnit.MICROS),
                "key_1");
    }
}
