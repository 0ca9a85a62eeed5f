package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.WebhookDelivery;
import io.enginex.edge.server.store.WebhookEndpoint;
import io.enginex.edge.server.store.WebhookStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link WebhookStore} in {@code webhook_endpoints} and {@code webhook_deliveries}. */
final class JdbcWebhookStore implements WebhookStore {
    private final Jdbi jdbi;

    JdbcWebhookStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public WebhookEndpoint create(WebhookEndpoint e) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO webhook_endpoints (id, tenant_id, url, description, event_types, secret_sealed,
                            event_cursor, created_at, created_by)
                        VALUES (:id, :tenantId, :url, :description, :types, :secret, :cursor, :createdAt, :createdBy)""")
                .bind("id", e.id())
                .bind("tenantId", e.tenantId())
                .bind("url", e.url())
                .bind("description", e.description())
                .bind("types", LabelsJson.write(e.eventTypes()))
                .bind("secret", e.secretSealed())
                .bind("cursor", e.cursor())
                .bind("createdAt", Timestamps.arg(e.createdAt()))
                .bind("createdBy", e.createdBy())
                .execute());
        return new WebhookEndpoint(
                e.id(),
                e.tenantId(),
                e.url(),
                e.description(),
                e.eventTypes(),
                e.secretSealed(),
                e.cursor(),
                Timestamps.truncate(e.createdAt()),
                e.createdBy(),
                null);
    }

    @Override
    public List<WebhookEndpoint> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM webhook_endpoints WHERE tenant_id = :tenantId AND deleted_at IS NULL
                        ORDER BY created_at, id""")
                .bind("tenantId", tenantId)
                .map((rs, ctx) -> endpoint(rs))
                .list());
    }

    @Override
    public Optional<WebhookEndpoint> find(String tenantId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM webhook_endpoints WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .map((rs, ctx) -> endpoint(rs))
                        .findOne());
    }

    @Override
    public boolean delete(String tenantId, String id, Instant now) {
        return jdbi.inTransaction(h -> {
            int deleted = h.createUpdate("""
                            UPDATE webhook_endpoints SET deleted_at = :now
                            WHERE tenant_id = :tenantId AND id = :id AND deleted_at IS NULL""")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .bind("now", Timestamps.arg(now))
                    .execute();
            if (deleted == 1) {
                h.createUpdate("""
                                UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL,
                                    last_error = 'the endpoint was deleted'
                                WHERE tenant_id = :tenantId AND endpoint_id = :id AND state = 'pending'""").bind("tenantId", tenantId).bind("id", id).execute();
            }
            return deleted == 1;
        });
    }

    @Override
    public List<WebhookEndpoint> active() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY tenant_id, created_at, id")
                .map((rs, ctx) -> endpoint(rs))
                .list());
    }

    @Override
    public void advance(WebhookEndpoint endpoint, String cursor, List<WebhookDelivery> deliveries) {
        jdbi.useTransaction(h -> {
            for (WebhookDelivery d : deliveries) {
                h.createUpdate("""
                                INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload,
                                    state, attempts, next_attempt_at, created_at)
                                VALUES (:id, :tenantId, :endpointId, :eventId, :type, :payload, :state, 0, :next,
                                    :createdAt)
                                ON CONFLICT DO NOTHING""")
                        .bind("id", d.id())
                        .bind("tenantId", d.tenantId())
                        .bind("endpointId", d.endpointId())
                        .bind("eventId", d.eventId())
                        .bind("type", d.eventType())
                        .bind("payload", d.payload())
                        .bind("state", d.state())
                        .bind("next", Timestamps.arg(d.nextAttemptAt()))
                        .bind("createdAt", Timestamps.arg(d.createdAt()))
                        .execute();
            }
            h.createUpdate("""
                            UPDATE webhook_endpoints SET event_cursor = :cursor
                            WHERE tenant_id = :tenantId AND id = :id""")
                    .bind("cursor", cursor)
                    .bind("tenantId", endpoint.tenantId())
                    .bind("id", endpoint.id())
                    .execute();
        });
    }

    @Override
    public List<WebhookDelivery> due(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT d.* FROM webhook_deliveries d
                        JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
                        WHERE d.state = 'pending' AND d.next_attempt_at <= :now AND e.deleted_at IS NULL
                        ORDER BY d.next_attempt_at, d.id LIMIT :limit""")
                .bind("now", Timestamps.arg(now))
                .bind("limit", limit)
                .map((rs, ctx) -> delivery(rs))
                .list());
    }

    @Override
    public void attempted(WebhookDelivery d) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE webhook_deliveries SET state = :state, attempts = :attempts,
                            next_attempt_at = :next, last_attempt_at = :last, last_status = :status,
                            last_error = :error
                        WHERE tenant_id = :tenantId AND id = :id AND state = 'pending'""")
                .bind("state", d.state())
                .bind("attempts", d.attempts())
                .bind("next", Timestamps.arg(d.nextAttemptAt()))
                .bind("last", Timestamps.arg(d.lastAttemptAt()))
                .bind("status", d.lastStatus())
                .bind("error", d.lastError())
                .bind("tenantId", d.tenantId())
                .bind("id", d.id())
                .execute());
    }

    @Override
    public List<WebhookDelivery> deliveries(String tenantId, String endpointId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM webhook_deliveries WHERE tenant_id = :tenantId AND endpoint_id = :endpointId
                        ORDER BY created_at DESC, id DESC LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("endpointId", endpointId)
                .bind("limit", limit)
                .map((rs, ctx) -> delivery(rs))
                .list());
    }

    private static WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
        return new WebhookEndpoint(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("url"),
                rs.getString("description"),
                LabelsJson.read(rs.getString("event_types")),
                rs.getString("secret_sealed"),
                rs.getString("event_cursor"),
                Timestamps.read(rs, "created_at"),
                rs.getString("created_by"),
                Timestamps.read(rs, "deleted_at"));
    }

    private static WebhookDelivery delivery(ResultSet rs) throws SQLException {
        int status = rs.getInt("last_status");
        Integer lastStatus = rs.wasNull() ? null : status;
        return new WebhookDelivery(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("endpoint_id"),
                rs.getString("event_id"),
                rs.getString("event_type"),
                rs.getString("payload"),
                rs.getString("state"),
                rs.getInt("attempts"),
                Timestamps.read(rs, "next_attempt_at"),
                Timestamps.read(rs, "last_attempt_at"),
                lastStatus,
                rs.getString("last_error"),
                Timestamps.read(rs, "created_at"));
    }
}
