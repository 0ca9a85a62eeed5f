package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcSessionStore implements SessionStore {
    private final Jdbi jdbi;
    private final Clock clock;

    JdbcSessionStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Writes the session; a null {@code createdAt} means now. Returns it as stored. */
    @Override
    public Session create(Session session) {
        Instant createdAt = Timestamps.truncate(session.createdAt() == null ? clock.instant() : session.createdAt());
        SqlErrors.insert(
                "session " + session.id() + " already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO sessions (id, tenant_id, name, created_by, created_at)
                        VALUES (:id, :tenantId, :name, :createdBy, :createdAt)""")
                        .bind("id", session.id())
                        .bind("tenantId", session.tenantId())
                        .bind("name", session.name())
                        .bind("createdBy", session.createdBy())
                        .bind("createdAt", Timestamps.arg(createdAt))
                        .execute()));
        return new Session(session.id(), session.tenantId(), session.name(), session.createdBy(), createdAt);
    }

    @Override
    public Optional<Session> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM sessions WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcSessionStore::map)
                .findOne());
    }

    @Override
    public List<Session> list(String tenantId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM sessions WHERE tenant_id = :tenantId
                        ORDER BY created_at DESC, id DESC LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("limit", Math.max(0, limit))
                .map(JdbcSessionStore::map)
                .list());
    }

    private static Session map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Session(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                rs.getString("created_by"),
                Timestamps.read(rs, "created_at"));
    }
}
