package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.OidcProvider;
import io.enginex.edge.server.store.OidcProviderStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcOidcProviderStore implements OidcProviderStore {
    private final Jdbi jdbi;

    JdbcOidcProviderStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean put(OidcProvider p) {
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE oidc_providers SET display_name = :name, issuer = :issuer, client_id = :clientId,
                                client_secret_sealed = :secret, scopes = :scopes, groups_claim = :groupsClaim,
                                role_map = :roleMap, updated_at = :at, updated_by = :by
                            WHERE tenant_id = :tenantId""")
                    .bind("name", p.displayName())
                    .bind("issuer", p.issuer())
                    .bind("clientId", p.clientId())
                    .bind("secret", p.clientSecretSealed())
                    .bind("scopes", p.scopes())
                    .bind("groupsClaim", p.groupsClaim())
                    .bind("roleMap", p.roleMapJson())
                    .bind("at", Timestamps.arg(p.updatedAt()))
                    .bind("by", p.updatedBy())
                    .bind("tenantId", p.tenantId())
                    .execute();
            if (updated == 1) {
                return false;
            }
            SqlErrors.insert(
                    "single sign-on of tenant " + p.tenantId() + " was set at the same moment; try again",
                    () -> h.createUpdate("""
                                    INSERT INTO oidc_providers (tenant_id, display_name, issuer, client_id,
                                        client_secret_sealed, scopes, groups_claim, role_map, updated_at, updated_by)
                                    VALUES (:tenantId, :name, :issuer, :clientId, :secret, :scopes, :groupsClaim,
                                        :roleMap, :at, :by)""")
                            .bind("tenantId", p.tenantId())
                            .bind("name", p.displayName())
                            .bind("issuer", p.issuer())
                            .bind("clientId", p.clientId())
                            .bind("secret", p.clientSecretSealed())
                            .bind("scopes", p.scopes())
                            .bind("groupsClaim", p.groupsClaim())
                            .bind("roleMap", p.roleMapJson())
                            .bind("at", Timestamps.arg(p.updatedAt()))
                            .bind("by", p.updatedBy())
                            .execute());
            return true;
        });
    }

    @Override
    public Optional<OidcProvider> find(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM oidc_providers WHERE tenant_id = :tenantId")
                .bind("tenantId", tenantId)
                .map(JdbcOidcProviderStore::map)
                .findOne());
    }

    @Override
    public boolean delete(String tenantId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM oidc_providers WHERE tenant_id = :tenantId")
                        .bind("tenantId", tenantId)
                        .execute())
                == 1;
    }

    private static OidcProvider map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new OidcProvider(
                rs.getString("tenant_id"),
                rs.getString("display_name"),
                rs.getString("issuer"),
                rs.getString("client_id"),
                rs.getString("client_secret_sealed"),
                rs.getString("scopes"),
                rs.getString("groups_claim"),
                rs.getString("role_map"),
                Timestamps.read(rs, "updated_at"),
                rs.getString("updated_by"));
    }
}
