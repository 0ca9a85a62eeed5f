package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.PageLinkStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcPageLinkStore implements PageLinkStore {
    private final Jdbi jdbi;

    JdbcPageLinkStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public PageLink create(PageLink link) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO page_links (tenant_id, id, session_id, issued_to, created_at, expires_at)
                        VALUES (:tenantId, :id, :sessionId, :issuedTo, :createdAt, :expiresAt)""")
                .bind("tenantId", link.tenantId())
                .bind("id", link.id())
                .bind("sessionId", link.sessionId())
                .bind("issuedTo", link.issuedTo())
                .bind("createdAt", Timestamps.arg(link.createdAt()))
                .bind("expiresAt", Timestamps.arg(link.expiresAt()))
                .execute());
        return find(link.tenantId(), link.id()).orElseThrow();
    }

    @Override
    public Optional<PageLink> newest(String tenantId, String sessionId, String issuedTo) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM page_links
                        WHERE tenant_id = :tenantId AND session_id = :sessionId AND issued_to = :issuedTo
                        ORDER BY created_at DESC, id DESC""")
                .bind("tenantId", tenantId)
                .bind("sessionId", sessionId)
                .bind("issuedTo", issuedTo)
                .setMaxRows(1)
                .map(JdbcPageLinkStore::map)
                .findFirst());
    }

    @Override
    public Optional<PageLink> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM page_links WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcPageLinkStore::map)
                .findOne());
    }

    @Override
    public List<PageLink> list(String tenantId, String sessionId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM page_links WHERE tenant_id = :tenantId AND session_id = :sessionId
                        ORDER BY created_at DESC, id DESC""")
                .bind("tenantId", tenantId)
                .bind("sessionId", sessionId)
                .map(JdbcPageLinkStore::map)
                .list());
    }

    @Override
    public Optional<PageLink> revoke(String tenantId, String id, String by, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE page_links SET revoked_at = :now, revoked_by = :by
                        WHERE tenant_id = :tenantId AND id = :id AND revoked_at IS NULL""")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .bind("by", by)
                .bind("now", Timestamps.arg(now))
                .execute());
        return find(tenantId, id);
    }

    private static PageLink map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PageLink(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("session_id"),
                rs.getString("issued_to"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "expires_at"),
                Timestamps.read(rs, "revoked_at"),
                rs.getString("revoked_by"));
    }
}
