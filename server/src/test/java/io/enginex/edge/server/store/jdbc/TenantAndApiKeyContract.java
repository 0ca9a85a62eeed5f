package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.ApiKey;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.Tenant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

interface TenantAndApiKeyContract extends StoreFixture {
    @Test
    default void createdTenantIsFoundAndListed() {
        String id = StoreFixture.id("t");
        Tenant created = stores().tenants().create(id, "Acme Corp");

        assertThat(created.createdAt()).isNotNull();
        assertThat(stores().tenants().find(id)).contains(created);
        assertThat(stores().tenants().list()).contains(created);
        assertThat(stores().tenants().find("no-such-tenant")).isEmpty();
    }

    @Test
    default void creatingATenantTwiceIsADuplicate() {
        String id = newTenant();

        assertThatThrownBy(() -> stores().tenants().create(id, "Again"))
                .isInstanceOf(DuplicateException.class)
                .hasMessageContaining(id);
    }

    @Test
    default void apiKeyIsFoundByTheHashOfItsSecret() {
        String tenant = newTenant();
        String hash = StoreFixture.id("hash");
        ApiKey key = stores().apiKeys().create(StoreFixture.id("key"), tenant, "operator", "ci", hash);

        assertThat(stores().apiKeys().findActiveByHash(hash)).contains(key);
        assertThat(stores().apiKeys().findActiveByHash(hash + "x")).isEmpty();
    }

    @Test
    default void twoApiKeysCannotShareASecretHash() {
        String tenant = newTenant();
        String hash = StoreFixture.id("hash");
        stores().apiKeys().create(StoreFixture.id("key"), tenant, "viewer", "one", hash);

        assertThatThrownBy(() -> stores().apiKeys().create(StoreFixture.id("key"), tenant, "viewer", "two", hash))
                .isInstanceOf(DuplicateException.class);
    }

    @Test
    default void aRevokedApiKeyIsNotFound() throws Exception {
        String tenant = newTenant();
        String hash = StoreFixture.id("hash");
        ApiKey key = stores().apiKeys().create(StoreFixture.id("key"), tenant, "viewer", "old", hash);
        // The store has no revoke for API keys yet; revoke the way an operator would, in SQL.
        try (Connection c = ((JdbcStores) stores()).dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE api_keys SET revoked_at = created_at WHERE id = ?")) {
            s.setString(1, key.id());
            assertThat(s.executeUpdate()).isEqualTo(1);
        }

        assertThat(stores().apiKeys().findActiveByHash(hash)).isEmpty();
    }

    /** The only test that makes a platform key, so the database has none before it runs. */
    @Test
    default void platformKeyIsOneWithoutTenant() {
        assertThat(stores().apiKeys().anyPlatformKey()).isFalse();
        stores().apiKeys().create(StoreFixture.id("key"), newTenant(), "admin", "tenant admin", StoreFixture.id("h"));
        assertThat(stores().apiKeys().anyPlatformKey()).isFalse();

        String hash = StoreFixture.id("hash");
        ApiKey platform = stores().apiKeys().create(StoreFixture.id("key"), null, "platform-admin", "first", hash);

        assertThat(stores().apiKeys().anyPlatformKey()).isTrue();
        assertThat(stores().apiKeys().findActiveByHash(hash)).contains(platform);
        assertThat(platform.tenantId()).isNull();
    }
}
