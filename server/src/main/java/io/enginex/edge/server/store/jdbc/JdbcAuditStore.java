package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditStore;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

final class JdbcAuditStore implements AuditStore {
    private final Jdbi jdbi;

    JdbcAuditStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void append(AuditEvent e) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO audit_events (id, tenant_id, at, type, actor_type, actor_id, source_ip,
                                                  target_type, target_id, outcome, details)
                        VALUES (:id, :tenantId, :at, :type, :actorType, :actorId, :sourceIp,
                                :targetType, :targetId, :outcome, :details)""")
                .bind("id", e.id())
                .bind("tenantId", e.tenantId())
                .bind("at", Timestamps.arg(e.at()))
                .bind("type", e.type())
                .bind("actorType", e.actorType())
                .bind("actorId", e.actorId())
                .bind("sourceIp", e.sourceIp())
                .bind("targetType", e.targetType())
                .bind("targetId", e.targetId())
                .bind("outcome", e.outcome())
                .bind("details", e.detailsJson())
                .execute());
    }

    @Override
    public List<AuditEvent> list(
            String tenantId,
            String type,
            String actorId,
            String outcome,
            Instant since,
            Instant until,
            String before,
            int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE ");
        sql.append(tenantId == null ? "tenant_id IS NULL" : "tenant_id = :tenantId");
        if (type != null) {
            sql.append(" AND type = :type");
        }
        if (actorId != null) {
            sql.append(" AND actor_id = :actorId");
        }
        if (outcome != null) {
            sql.append(" AND outcome = :outcome");
        }
        if (since != null) {
            sql.append(" AND at >= :since");
        }
        if (until != null) {
            sql.append(" AND at < :until");
        }
        if (before != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", limit);
            if (tenantId != null) {
                q.bind("tenantId", tenantId);
            }
            if (type != null) {
                q.bind("type", type);
            }
            if (actorId != null) {
                q.bind("actorId", actorId);
            }
            if (outcome != null) {
                q.bind("outcome", outcome);
            }
            if (since != null) {
                q.bind("since", Timestamps.arg(since));
            }
            if (until != null) {
                q.bind("until", Timestamps.arg(until));
            }
            if (before != null) {
                q.bind("before", before);
            }
            return q.map((rs, ctx) -> new AuditEvent(
                            rs.getString("id"),
                            rs.getString("tenant_id"),
                            Timestamps.read(rs, "at"),
                            rs.getString("type"),
                            rs.getString("actor_type"),
                            rs.getString("actor_id"),
                            rs.getString("source_ip"),
                            rs.getString("target_type"),
                            rs.getString("target_id"),
                            rs.getString("outcome"),
                            rs.getString("details")))
                    .list();
        });
    }
}
