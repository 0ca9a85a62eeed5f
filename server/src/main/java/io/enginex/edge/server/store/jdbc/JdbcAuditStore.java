package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditHash;
import io.enginex.edge.server.store.AuditStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit trail in {@code audit_events}, one hash chain per tenant whose head row in {@code
 * audit_chain_heads} is locked ({@code SELECT … FOR UPDATE}, on H2 and PostgreSQL) while a link is
 * added.
 */
final class JdbcAuditStore implements AuditStore {
    private final Jdbi jdbi;

    JdbcAuditStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public AuditEvent append(AuditEvent event) {
        String chain = chainKey(event.tenantId());
        return jdbi.inTransaction(h -> {
            // The lock on the head row is what serialises writers of one chain, here and on other nodes.
            ChainHead head = lockHead(h, chain).orElseGet(() -> {
                createHead(h, chain);
                return lockHead(h, chain).orElseThrow();
            });
            AuditEvent e = new AuditEvent(
                            event.id(),
                            event.tenantId(),
                            Timestamps.truncate(event.at()),
                            event.type(),
                            event.actorType(),
                            event.actorId(),
                            event.sourceIp(),
                            event.targetType(),
                            event.targetId(),
                            event.outcome(),
                            event.detailsJson())
                    .chained(head.seq() + 1, head.lastHash());
            h.createUpdate("""
                            INSERT INTO audit_events (id, tenant_id, at, type, actor_type, actor_id, source_ip,
                                                      target_type, target_id, outcome, details, seq, prev_hash, hash)
                            VALUES (:id, :tenantId, :at, :type, :actorType, :actorId, :sourceIp,
                                    :targetType, :targetId, :outcome, :details, :seq, :prevHash, :hash)""")
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
                    .bind("seq", e.seq())
                    .bind("prevHash", e.prevHash())
                    .bind("hash", e.hash())
                    .execute();
            h.createUpdate("UPDATE audit_chain_heads SET seq = :seq, last_hash = :hash WHERE chain = :chain")
                    .bind("seq", e.seq())
                    .bind("hash", e.hash())
                    .bind("chain", chain)
                    .execute();
            return e;
        });
    }

    private static Optional<ChainHead> lockHead(Handle h, String chain) {
        return h.createQuery("SELECT seq, last_hash FROM audit_chain_heads WHERE chain = :chain FOR UPDATE")
                .bind("chain", chain)
                .map((rs, ctx) -> new ChainHead(rs.getLong("seq"), rs.getString("last_hash")))
                .findOne();
    }

    /**
     * Makes the head row of a new chain. Two writers racing to make it leave one row, and the loser's
     * transaction goes on (no error, which on PostgreSQL would abort it).
     */
    private static void createHead(Handle h, String chain) {
        h.createUpdate("INSERT INTO audit_chain_heads (chain, seq, last_hash) VALUES (:chain, 0, :genesis)"
                        + " ON CONFLICT DO NOTHING")
                .bind("chain", chain)
                .bind("genesis", AuditHash.GENESIS)
                .execute();
    }

    @Override
    public List<AuditEvent> chain(String tenantId, long afterSeq, int limit) {
        String where = tenantId == null ? "tenant_id IS NULL" : "tenant_id = :tenantId";
        return jdbi.withHandle(h -> {
            var q = h.createQuery(
                            "SELECT * FROM audit_events WHERE " + where + " AND seq > :after ORDER BY seq LIMIT :limit")
                    .bind("after", afterSeq)
                    .bind("limit", limit);
            if (tenantId != null) {
                q.bind("tenantId", tenantId);
            }
            return q.map((rs, ctx) -> read(rs)).list();
        });
    }

    @Override
    public Optional<ChainHead> head(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT seq, last_hash FROM audit_chain_heads WHERE chain = :chain")
                .bind("chain", chainKey(tenantId))
                .map((rs, ctx) -> new ChainHead(rs.getLong("seq"), rs.getString("last_hash")))
                .findOne()
                .filter(head -> head.seq() > 0));
    }

    @Override
    public long unchained(String tenantId) {
        String where = tenantId == null ? "tenant_id IS NULL" : "tenant_id = :tenantId";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT COUNT(*) FROM audit_events WHERE " + where + " AND seq IS NULL");
            if (tenantId != null) {
                q.bind("tenantId", tenantId);
            }
            return q.mapTo(Long.class).one();
        });
    }

    private static String chainKey(String tenantId) {
        return tenantId == null ? "" : tenantId;
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
            return q.map((rs, ctx) -> read(rs)).list();
        });
    }

    private static AuditEvent read(ResultSet rs) throws SQLException {
        long seq = rs.getLong("seq");
        return new AuditEvent(
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
                rs.getString("details"),
                rs.wasNull() ? null : seq,
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
