package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditHash;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.AuditStore.ChainHead;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit trail in {@code audit_events}: this node appends to its own chain of each tenant, whose
 * head row in {@code audit_node_chains} it locks ({@code SELECT … FOR UPDATE}, on H2 and PostgreSQL)
 * while a link is added. Only this node locks that row, so nodes never queue behind each other's
 * commits to audit; on one node the lock serialises its writer and its request threads. A tenant's
 * first chain (from before the chains were per node) is headed in {@code audit_chain_heads} and only
 * read.
 */
final class JdbcAuditStore implements AuditStore {
    private final Jdbi jdbi;
    private final String node;

    /** @param node this hub node's name, which names its chains */
    JdbcAuditStore(Jdbi jdbi, String node) {
        this.jdbi = jdbi;
        this.node = node;
    }

    @Override
    public AuditEvent append(AuditEvent event) {
        String tenantKey = tenantKey(event.tenantId());
        return jdbi.inTransaction(h -> {
            // The lock on this node's head row serialises this node's writers of the chain.
            ChainHead head = lockHead(h, tenantKey).orElseGet(() -> {
                createHead(h, tenantKey);
                return lockHead(h, tenantKey).orElseThrow();
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
                    .chained(node, head.seq() + 1, head.lastHash());
            h.createUpdate("""
                            INSERT INTO audit_events (id, tenant_id, at, type, actor_type, actor_id, source_ip,
                                                      target_type, target_id, outcome, details,
                                                      chain_node, seq, prev_hash, hash)
                            VALUES (:id, :tenantId, :at, :type, :actorType, :actorId, :sourceIp,
                                    :targetType, :targetId, :outcome, :details,
                                    :chain, :seq, :prevHash, :hash)""")
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
                    .bind("chain", node)
                    .bind("seq", e.seq())
                    .bind("prevHash", e.prevHash())
                    .bind("hash", e.hash())
                    .execute();
            h.createUpdate("UPDATE audit_node_chains SET seq = :seq, last_hash = :hash"
                            + " WHERE tenant_key = :tenant AND node = :node")
                    .bind("seq", e.seq())
                    .bind("hash", e.hash())
                    .bind("tenant", tenantKey)
                    .bind("node", node)
                    .execute();
            return e;
        });
    }

    private Optional<ChainHead> lockHead(Handle h, String tenantKey) {
        return h.createQuery("SELECT seq, last_hash FROM audit_node_chains"
                        + " WHERE tenant_key = :tenant AND node = :node FOR UPDATE")
                .bind("tenant", tenantKey)
                .bind("node", node)
                .map((rs, ctx) -> new ChainHead(node, rs.getLong("seq"), rs.getString("last_hash")))
                .findOne();
    }

    /**
     * Makes the head row of this node's new chain of a tenant. Two writers of this node racing to
     * make it leave one row, and the loser's transaction goes on (no error, which on PostgreSQL would
     * abort it).
     */
    private void createHead(Handle h, String tenantKey) {
        h.createUpdate("INSERT INTO audit_node_chains (tenant_key, node, seq, last_hash)"
                        + " VALUES (:tenant, :node, 0, :genesis) ON CONFLICT DO NOTHING")
                .bind("tenant", tenantKey)
                .bind("node", node)
                .bind("genesis", AuditHash.GENESIS)
                .execute();
    }

    @Override
    public List<AuditEvent> chain(String tenantId, String chain, long afterSeq, int limit) {
        String where = (tenantId == null ? "tenant_id IS NULL" : "tenant_id = :tenantId")
                + (chain == null ? " AND chain_node IS NULL" : " AND chain_node = :chain");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(
                            "SELECT * FROM audit_events WHERE " + where + " AND seq > :after ORDER BY seq LIMIT :limit")
                    .bind("after", afterSeq)
                    .bind("limit", limit);
            if (tenantId != null) {
                q.bind("tenantId", tenantId);
            }
            if (chain != null) {
                q.bind("chain", chain);
            }
            return q.map((rs, ctx) -> read(rs)).list();
        });
    }

    @Override
    public List<ChainHead> heads(String tenantId) {
        String tenantKey = tenantKey(tenantId);
        return jdbi.withHandle(h -> {
            List<ChainHead> heads = new ArrayList<>(
                    h.createQuery("SELECT seq, last_hash FROM audit_chain_heads WHERE chain = :chain AND seq > 0")
                            .bind("chain", tenantKey)
                            .map((rs, ctx) -> new ChainHead(null, rs.getLong("seq"), rs.getString("last_hash")))
                            .list());
            heads.addAll(h.createQuery("SELECT node, seq, last_hash FROM audit_node_chains"
                            + " WHERE tenant_key = :tenant AND seq > 0 ORDER BY node")
                    .bind("tenant", tenantKey)
                    .map((rs, ctx) -> new ChainHead(rs.getString("node"), rs.getLong("seq"), rs.getString("last_hash")))
                    .list());
            return heads;
        });
    }

    @Override
    public List<String> chainsWithLinks(String tenantId) {
        String where = tenantId == null ? "tenant_id IS NULL" : "tenant_id = :tenantId";
        return jdbi.withHandle(h -> {
            var q = h.createQuery(
                    "SELECT DISTINCT chain_node FROM audit_events WHERE " + where + " AND seq IS NOT NULL");
            if (tenantId != null) {
                q.bind("tenantId", tenantId);
            }
            List<String> chains =
                    new ArrayList<>(q.map((rs, ctx) -> rs.getString(1)).list());
            chains.sort(Comparator.nullsFirst(Comparator.naturalOrder()));
            return chains;
        });
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

    private static String tenantKey(String tenantId) {
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
        long seqValue = rs.getLong("seq");
        Long seq = rs.wasNull() ? null : seqValue;
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
                rs.getString("chain_node"),
                seq,
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }
}
