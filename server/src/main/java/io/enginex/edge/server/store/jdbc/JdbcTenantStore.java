package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.Tenant;
import io.enginex.edge.server.store.TenantStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcTenantStore implements TenantStore {
    private final Jdbi jdbi;
    private final Clock clock;

    JdbcTenantStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public Tenant create(String id, String name) {
        Tenant tenant = new Tenant(id, name, Timestamps.truncate(clock.instant()), null);
        SqlErrors.insert(
                "tenant " + id + " already exists",
                () -> jdbi.useHandle(h -> h.createUpdate(
                                "INSERT INTO tenants (id, name, created_at) VALUES (:id, :name, :createdAt)")
                        .bind("id", id)
                        .bind("name", name)
                        .bind("createdAt", Timestamps.arg(tenant.createdAt()))
                        .execute()));
        return tenant;
    }

    @Override
    public Optional<Tenant> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants WHERE id = :id")
                .bind("id", id)
                .map(JdbcTenantStore::map)
                .findOne());
    }

    @Override
    public List<Tenant> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenants ORDER BY id")
                .map(JdbcTenantStore::map)
                .list());
    }

    @Override
    public boolean setEnrolmentRate(String id, Integer perMinute) {
        return jdbi.withHandle(
                        h -> h.createUpdate("UPDATE tenants SET enrolment_rate_per_minute = :rate WHERE id = :id")
                                .bind("id", id)
                                .bindByType("rate", perMinute, Integer.class)
                                .execute())
                == 1;
    }

    private static Tenant map(ResultSet rs, StatementContext ctx) throws SQLException {
        int rate = rs.getInt("enrolment_rate_per_minute");
        Integer enrolmentRate = rs.wasNull() ? null : rate; // wasNull speaks of the last column read
        return new Tenant(rs.getString("id"), rs.getString("name"), Timestamps.read(rs, "created_at"), enrolmentRate);
    }
}
