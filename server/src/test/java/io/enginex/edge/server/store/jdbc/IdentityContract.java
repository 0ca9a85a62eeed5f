package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.UserSession;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Users, login sessions, API key listing and the audit trail, on every database. */
interface IdentityContract extends StoreFixture {
    @Test
    default void userIsFoundByEmailInItsTenantOnlyAndEmailsAreUnique() {
        String tenant = newTenant();
        String other = newTenant();
        String email = StoreFixture.id("u") + "@example.com";
        var user = stores().users().create(StoreFixture.id("usr"), tenant, email, "admin", "$argon2id$x", "key_1");

        assertThat(stores().users().findByEmail(email)).contains(user);
        assertThat(stores().users().find(tenant, user.id())).contains(user);
        assertThat(stores().users().find(other, user.id())).isEmpty();
        assertThat(stores().users().list(other)).isEmpty();
        assertThatThrownBy(() -> stores().users().create(StoreFixture.id("usr"), other, email, "viewer", "h", null))
                .isInstanceOf(DuplicateException.class);
    }

    @Test
    default void disablingAUserEndsTheirSessionsAndEnablingDoesNotBringThemBack() {
        String tenant = newTenant();
        var user = stores().users()
                .create(StoreFixture.id("usr"), tenant, StoreFixture.id("u") + "@x.io", "viewer", "h1", null);
        var now = now();
        var session = new UserSession(
                StoreFixture.id("h"), tenant, user.id(), now, now.plus(1, ChronoUnit.HOURS), "127.0.0.1");
        stores().users().createSession(session);

        assertThat(stores().users().setDisabled(newTenant(), user.id(), now)).isFalse();
        assertThat(stores().users().findSession(session.tokenHash(), now)).isPresent();
        assertThat(stores().users().setDisabled(tenant, user.id(), now)).isTrue();
        assertThat(stores().users().find(tenant, user.id()).orElseThrow().disabledAt())
                .isEqualTo(now);
        assertThat(stores().users().findSession(session.tokenHash(), now)).isEmpty();
        assertThat(stores().users().setDisabled(tenant, user.id(), null)).isTrue();
        assertThat(stores().users().find(tenant, user.id()).orElseThrow().disabledAt())
                .isNull();
        assertThat(stores().users().findSession(session.tokenHash(), now)).isEmpty();
    }

    @Test
    default void sessionsExpireAndAPasswordChangeEndsThem() {
        String tenant = newTenant();
        var user = stores().users()
                .create(StoreFixture.id("usr"), tenant, StoreFixture.id("u") + "@x.io", "viewer", "h1", null);
        var now = now();
        var live = new UserSession(
                StoreFixture.id("h"), tenant, user.id(), now, now.plus(1, ChronoUnit.HOURS), "127.0.0.1");
        var old = new UserSession(StoreFixture.id("h"), tenant, user.id(), now, now.minusSeconds(1), "127.0.0.1");
        stores().users().createSession(live);
        stores().users().createSession(old);

        assertThat(stores().users().findSession(live.tokenHash(), now)).isPresent();
        assertThat(stores().users().findSession(old.tokenHash(), now)).isEmpty();
        assertThat(stores().users().purgeExpiredSessions(now)).isGreaterThanOrEqualTo(1);
        assertThat(stores().users().setPassword(newTenant(), user.id(), "h2", now))
                .isFalse();
        assertThat(stores().users().setPassword(tenant, user.id(), "h2", now)).isTrue();
        assertThat(stores().users().findSession(live.tokenHash(), now)).isEmpty();
        assertThat(stores().users().find(tenant, user.id()).orElseThrow().passwordHash())
                .isEqualTo("h2");
    }

    @Test
    default void apiKeysAreListedPerTenantRevokedThereOnlyAndTouched() {
        String tenant = newTenant();
        String other = newTenant();
        var key = stores().apiKeys()
                .create(StoreFixture.id("key"), tenant, "viewer", "ci", StoreFixture.id("h"), "usr_1");

        stores().apiKeys().touch(key.id(), now());

        assertThat(stores().apiKeys().list(other)).isEmpty();
        assertThat(stores().apiKeys().list(tenant)).singleElement().satisfies(k -> {
            assertThat(k.lastUsedAt()).isNotNull();
            assertThat(k.createdBy()).isEqualTo("usr_1");
        });
        assertThat(stores().apiKeys().revoke(other, key.id(), now())).isFalse();
        assertThat(stores().apiKeys().revoke(tenant, key.id(), now())).isTrue();
        assertThat(stores().apiKeys().revoke(tenant, key.id(), now())).isFalse();
    }

    @Test
    default void auditEventsAreListedPerTenantNewestFirstWithFilters() {
        String tenant = newTenant();
        String other = newTenant();
        var first = event("aud_01", tenant, "login.failed", "a@x.io");
        var second = event("aud_02", tenant, "login.succeeded", "usr_1");
        first = stores().audit().append(first);
        second = stores().audit().append(second);
        stores().audit().append(event("aud_03", other, "login.failed", "a@x.io"));

        assertThat(stores().audit().list(tenant, null, null, null, null, 10)).containsExactly(second, first);
        assertThat(stores().audit().list(tenant, "login.failed", null, null, null, 10))
                .containsExactly(first);
        assertThat(stores().audit().list(tenant, null, "usr_1", null, null, 10)).containsExactly(second);
        assertThat(stores().audit().list(tenant, null, null, null, second.id(), 10))
                .containsExactly(first);
        assertThat(stores().audit().list(tenant, null, null, null, null, 1)).containsExactly(second);
    }

    @Test
    default void auditEventsAreFilteredByOutcomeAndTimeRange() {
        String tenant = newTenant();
        var t0 = now().minus(1, ChronoUnit.HOURS);
        var early = new AuditEvent(
                "aud_01" + StoreFixture.id(""),
                tenant,
                t0,
                "login.failed",
                "user",
                "a@x.io",
                null,
                null,
                null,
                "failure",
                "{}");
        var late = new AuditEvent(
                "aud_02" + StoreFixture.id(""),
                tenant,
                t0.plusSeconds(600),
                "login.succeeded",
                "user",
                "usr_1",
                null,
                null,
                null,
                "success",
                "{}");
        early = stores().audit().append(early);
        late = stores().audit().append(late);

        var audit = stores().audit();
        assertThat(audit.list(tenant, null, null, "failure", null, null, null, 10))
                .containsExactly(early);
        assertThat(audit.list(tenant, null, null, null, t0.plusSeconds(1), null, null, 10))
                .containsExactly(late);
        assertThat(audit.list(tenant, null, null, null, null, t0.plusSeconds(600), null, 10))
                .containsExactly(early);
        assertThat(audit.list(tenant, null, null, "success", t0, t0.plusSeconds(601), null, 10))
                .containsExactly(late);
    }

    private AuditEvent event(String idPrefix, String tenant, String type, String actor) {
        return new AuditEvent(
                idPrefix + StoreFixture.id(""),
                tenant,
                now(),
                type,
                "user",
                actor,
                "10.0.0.1",
                "user",
                "usr_1",
                "success",
                "{}");
    }
}
