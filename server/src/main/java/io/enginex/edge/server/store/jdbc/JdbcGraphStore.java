package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.GraphRecord;
import io.enginex.edge.server.store.GraphStore;
import io.enginex.edge.server.store.GraphVersionRecord;
import io.enginex.edge.server.store.PolicyScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcGraphStore implements GraphStore {
    private final Jdbi jdbi;

    JdbcGraphStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void create(GraphRecord g, GraphVersionRecord first) {
        jdbi.useTransaction(h -> {
            SqlErrors.insert(
                    "tenant " + g.tenantId() + " has a graph named " + g.name() + " already",
                    () -> h.createUpdate("""
                                    INSERT INTO graphs (id, tenant_id, name, scope_kind, scope_value, latest_version,
                                        created_at, created_by, updated_at)
                                    VALUES (:id, :tenantId, :name, :kind, :value, :latest, :createdAt, :createdBy,
                                        :createdAt)""")
                            .bind("id", g.id())
                            .bind("tenantId", g.tenantId())
                            .bind("name", g.name())
                            .bind("kind", g.scope().kind())
                            .bind("value", g.scope().value())
                            .bind("latest", g.latestVersion())
                            .bind("createdAt", Timestamps.arg(g.createdAt()))
                            .bind("createdBy", g.createdBy())
                            .execute());
            insertVersion(h, first);
        });
    }

    @Override
    public boolean addVersion(GraphVersionRecord v, PolicyScope scope, Instant now) {
        return jdbi.inTransaction(h -> {
            int moved = h.createUpdate("""
                            UPDATE graphs SET latest_version = :version, scope_kind = :kind, scope_value = :value,
                                updated_at = :now
                            WHERE tenant_id = :tenantId AND id = :id AND latest_version = :previous
                                AND withdrawn_at IS NULL""")
                    .bind("version", v.version())
                    .bind("previous", v.version() - 1)
                    .bind("kind", scope.kind())
                    .bind("value", scope.value())
                    .bind("now", Timestamps.arg(now))
                    .bind("tenantId", v.tenantId())
                    .bind("id", v.graphId())
                    .execute();
            if (moved != 1) {
                return false;
            }
            insertVersion(h, v);
            return true;
        });
    }

    private static void insertVersion(Handle h, GraphVersionRecord v) {
        h.createUpdate("""
                        INSERT INTO graph_versions (graph_id, version, tenant_id, document, sha256, envelope,
                            created_at, created_by)
                        VALUES (:graphId, :version, :tenantId, :document, :sha256, :envelope, :createdAt,
                            :createdBy)""")
                .bind("graphId", v.graphId())
                .bind("version", v.version())
                .bind("tenantId", v.tenantId())
                .bind("document", v.document())
                .bind("sha256", v.sha256())
                .bind("envelope", v.envelope())
                .bind("createdAt", Timestamps.arg(v.createdAt()))
                .bind("createdBy", v.createdBy())
                .execute();
    }

    @Override
    public boolean withdraw(String tenantId, String graphId, String by, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE graphs SET withdrawn_at = :now, withdrawn_by = :by, updated_at = :now
                                WHERE tenant_id = :tenantId AND id = :id AND withdrawn_at IS NULL""")
                        .bind("now", Timestamps.arg(now))
                        .bind("by", by)
                        .bind("tenantId", tenantId)
                        .bind("id", graphId)
                        .execute())
                == 1;
    }

    @Override
    public List<GraphRecord> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM graphs WHERE tenant_id = :tenantId ORDER BY name")
                .bind("tenantId", tenantId)
                .map(JdbcGraphStore::graph)
                .list());
    }

    @Override
    public Optional<GraphRecord> find(String tenantId, String graphId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM graphs WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", graphId)
                .map(JdbcGraphStore::graph)
                .findOne());
    }

    @Override
    public Optional<GraphRecord> findByName(String tenantId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM graphs WHERE tenant_id = :tenantId AND name = :name")
                .bind("tenantId", tenantId)
                .bind("name", name)
                .map(JdbcGraphStore::graph)
                .findOne());
    }

    @Override
    public List<GraphVersionRecord> versions(String tenantId, String graphId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_versions WHERE tenant_id = :tenantId AND graph_id = :graphId
                        ORDER BY version""")
                .bind("tenantId", tenantId)
                .bind("graphId", graphId)
                .map(JdbcGraphStore::version)
                .list());
    }

    @Override
    public Optional<GraphVersionRecord> version(String tenantId, String graphId, int version) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_versions
                        WHERE tenant_id = :tenantId AND graph_id = :graphId AND version = :version""")
                .bind("tenantId", tenantId)
                .bind("graphId", graphId)
                .bind("version", version)
                .map(JdbcGraphStore::version)
                .findOne());
    }

    @Override
    public List<Latest> latestVersions(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT g.*, v.document AS v_document, v.sha256 AS v_sha256, v.envelope AS v_envelope,
                            v.created_at AS v_created_at, v.created_by AS v_created_by
                        FROM graphs g
                        JOIN graph_versions v
                          ON v.tenant_id = g.tenant_id AND v.graph_id = g.id AND v.version = g.latest_version
                        WHERE g.tenant_id = :tenantId AND g.withdrawn_at IS NULL
                        ORDER BY g.name""")
                .bind("tenantId", tenantId)
                .map((rs, ctx) -> new Latest(
                        graph(rs, ctx),
                        new GraphVersionRecord(
                                rs.getString("id"),
                                rs.getInt("latest_version"),
                                rs.getString("tenant_id"),
                                rs.getString("v_document"),
                                rs.getString("v_sha256"),
                                rs.getString("v_envelope"),
                                Timestamps.read(rs, "v_created_at"),
                                rs.getString("v_created_by"))))
                .list());
    }

    private static GraphRecord graph(ResultSet rs, StatementContext ctx) throws SQLException {
        return new GraphRecord(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                new PolicyScope(rs.getString("scope_kind"), rs.getString("scope_value")),
                rs.getInt("latest_version"),
                Timestamps.read(rs, "created_at"),
                rs.getString("created_by"),
                Timestamps.read(rs, "updated_at"),
                Timestamps.read(rs, "withdrawn_at"),
                rs.getString("withdrawn_by"));
    }

    private static GraphVersionRecord version(ResultSet rs, StatementContext ctx) throws SQLException {
        return new GraphVersionRecord(
                rs.getString("graph_id"),
                rs.getInt("version"),
                rs.getString("tenant_id"),
                rs.getString("document"),
                rs.getString("sha256"),
                rs.getString("envelope"),
                Timestamps.read(rs, "created_at"),
                rs.getString("created_by"));
    }
}
