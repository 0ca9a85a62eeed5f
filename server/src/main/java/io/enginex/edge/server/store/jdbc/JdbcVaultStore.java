package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.VaultStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcVaultStore implements VaultStore {
    private final Jdbi jdbi;

    JdbcVaultStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<String> exchangeKey(String tenantId, String agentId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT public_key FROM agent_exchange_keys WHERE tenant_id = :t AND agent_id = :a")
                        .bind("t", tenantId)
                        .bind("a", agentId)
                        .mapTo(String.class)
                        .findOne());
    }

    @Override
    public boolean putExchangeKey(String tenantId, String agentId, String publicKey, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<String> before = h.createQuery(
                            "SELECT public_key FROM agent_exchange_keys WHERE tenant_id = :t AND agent_id = :a")
                    .bind("t", tenantId)
                    .bind("a", agentId)
                    .mapTo(String.class)
                    .findOne();
            if (before.isPresent() && before.get().equals(publicKey)) {
                return false;
            }
            h.createUpdate("DELETE FROM agent_exchange_keys WHERE tenant_id = :t AND agent_id = :a")
                    .bind("t", tenantId)
                    .bind("a", agentId)
                    .execute();
            h.createUpdate("""
                            INSERT INTO agent_exchange_keys (tenant_id, agent_id, public_key, updated_at)
                            VALUES (:t, :a, :k, :now)""")
                    .bind("t", tenantId)
                    .bind("a", agentId)
                    .bind("k", publicKey)
                    .bind("now", Timestamps.arg(now))
                    .execute();
            return true;
        });
    }

    @Override
    public void putSecret(Secret s) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM tenant_secrets WHERE tenant_id = :t AND id = :id")
                    .bind("t", s.tenantId())
                    .bind("id", s.id())
                    .execute();
            SqlErrors.insert(
                    "secret " + s.name() + " was defined twice at the same moment; try again",
                    () -> h.createUpdate("""
                                    INSERT INTO tenant_secrets (id, tenant_id, name, scope_kind, scope_value,
                                        cache_seconds, use_rule, hub_storage, held_value, version, description,
                                        created_at, updated_at, updated_by)
                                    VALUES (:id, :t, :name, :kind, :value, :cache, :use, :hub, :held, :version,
                                        :description, :created, :updated, :by)""")
                            .bind("id", s.id())
                            .bind("t", s.tenantId())
                            .bind("name", s.name())
                            .bind("kind", s.scope().kind())
                            .bind("value", s.scope().value())
                            .bind("cache", s.cacheSeconds())
                            .bind("use", s.use())
                            .bind("hub", s.hubStorage())
                            .bind("held", s.heldValue())
                            .bind("version", s.version())
                            .bind("description", s.description())
                            .bind("created", Timestamps.arg(s.createdAt()))
                            .bind("updated", Timestamps.arg(s.updatedAt()))
                            .bind("by", s.updatedBy())
                            .execute());
        });
    }

    @Override
    public Optional<Secret> findSecret(String tenantId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenant_secrets WHERE tenant_id = :t AND name = :n")
                .bind("t", tenantId)
                .bind("n", name)
                .map(JdbcVaultStore::secret)
                .findOne());
    }

    @Override
    public Optional<Secret> findSecretById(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenant_secrets WHERE tenant_id = :t AND id = :id")
                .bind("t", tenantId)
                .bind("id", id)
                .map(JdbcVaultStore::secret)
                .findOne());
    }

    @Override
    public List<Secret> listSecrets(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tenant_secrets WHERE tenant_id = :t ORDER BY name")
                .bind("t", tenantId)
                .map(JdbcVaultStore::secret)
                .list());
    }

    @Override
    public boolean deleteSecret(String tenantId, String id) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM secret_deliveries WHERE tenant_id = :t AND secret_id = :id")
                    .bind("t", tenantId)
                    .bind("id", id)
                    .execute();
            return h.createUpdate("DELETE FROM tenant_secrets WHERE tenant_id = :t AND id = :id")
                            .bind("t", tenantId)
                            .bind("id", id)
                            .execute()
                    == 1;
        });
    }

    @Override
    public void holdValue(String tenantId, String secretId, String heldValue) {
        jdbi.useHandle(
                h -> h.createUpdate("UPDATE tenant_secrets SET held_value = :held WHERE tenant_id = :t AND id = :id")
                        .bind("held", heldValue)
                        .bind("t", tenantId)
                        .bind("id", secretId)
                        .execute());
    }

    @Override
    public void insertDelivery(Delivery d) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO secret_deliveries (id, tenant_id, secret_id, version, agent_id, sealed, state,
                            message, created_at, acked_at)
                        VALUES (:id, :t, :secret, :version, :agent, :sealed, :state, :message, :created, :acked)""")
                .bind("id", d.id())
                .bind("t", d.tenantId())
                .bind("secret", d.secretId())
                .bind("version", d.version())
                .bind("agent", d.agentId())
                .bind("sealed", d.sealed())
                .bind("state", d.state())
                .bind("message", d.message())
                .bind("created", Timestamps.arg(d.createdAt()))
                .bind("acked", d.ackedAt() == null ? null : Timestamps.arg(d.ackedAt()))
                .execute());
    }

    @Override
    public void supersedeOlder(String tenantId, String secretId, int version) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE secret_deliveries SET state = 'superseded', sealed = NULL
                        WHERE tenant_id = :t AND secret_id = :s AND version < :v AND state = 'pending'""")
                .bind("t", tenantId)
                .bind("s", secretId)
                .bind("v", version)
                .execute());
    }

    @Override
    public void supersedeForAgent(String tenantId, String agentId) {
        jdbi.useHandle(
                h -> h.createUpdate("""
                        UPDATE secret_deliveries SET state = 'superseded', sealed = NULL
                        WHERE tenant_id = :t AND agent_id = :a AND state = 'pending'""").bind("t", tenantId).bind("a", agentId).execute());
    }

    @Override
    public void sealDelivery(String tenantId, String deliveryId, String sealed) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE secret_deliveries SET sealed = :sealed
                        WHERE tenant_id = :t AND id = :id AND state = 'pending' AND sealed IS NULL""")
                .bind("sealed", sealed)
                .bind("t", tenantId)
                .bind("id", deliveryId)
                .execute());
    }

    @Override
    public List<Delivery> pendingDeliveries(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM secret_deliveries WHERE tenant_id = :t AND agent_id = :a AND state = 'pending'
                        ORDER BY created_at, id""")
                .bind("t", tenantId)
                .bind("a", agentId)
                .map(JdbcVaultStore::delivery)
                .list());
    }

    @Override
    public List<Delivery> deliveriesOf(String tenantId, String secretId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM secret_deliveries WHERE tenant_id = :t AND secret_id = :s
                        ORDER BY version DESC, agent_id""")
                .bind("t", tenantId)
                .bind("s", secretId)
                .map(JdbcVaultStore::delivery)
                .list());
    }

    @Override
    public List<Delivery> deliveriesTo(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM secret_deliveries WHERE tenant_id = :t AND agent_id = :a
                        ORDER BY created_at DESC, id""")
                .bind("t", tenantId)
                .bind("a", agentId)
                .map(JdbcVaultStore::delivery)
                .list());
    }

    @Override
    public Optional<Delivery> findDelivery(String tenantId, String agentId, String deliveryId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM secret_deliveries WHERE tenant_id = :t AND agent_id = :a AND id = :id")
                .bind("t", tenantId)
                .bind("a", agentId)
                .bind("id", deliveryId)
                .map(JdbcVaultStore::delivery)
                .findOne());
    }

    @Override
    public boolean answerDelivery(String tenantId, String deliveryId, String state, String message, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE secret_deliveries SET state = :state, message = :message, sealed = NULL,
                                    acked_at = :at
                                WHERE tenant_id = :t AND id = :id AND state = 'pending'""")
                        .bind("state", state)
                        .bind("message", message)
                        .bind("at", Timestamps.arg(at))
                        .bind("t", tenantId)
                        .bind("id", deliveryId)
                        .execute())
                == 1;
    }

    @Override
    public int pendingOf(String tenantId, String secretId, int version) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM secret_deliveries d
                        JOIN agents a ON a.tenant_id = d.tenant_id AND a.id = d.agent_id
                        WHERE d.tenant_id = :t AND d.secret_id = :s AND d.version = :v AND d.state = 'pending'
                            AND a.revoked_at IS NULL""")
                .bind("t", tenantId)
                .bind("s", secretId)
                .bind("v", version)
                .mapTo(Integer.class)
                .one());
    }

    @Override
    public void insertRemoval(Removal r) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO secret_removals (id, tenant_id, agent_id, name, reason, requested_by, requested_at,
                            state, message, acked_at)
                        VALUES (:id, :t, :a, :name, :reason, :by, :at, :state, NULL, NULL)""")
                .bind("id", r.id())
                .bind("t", r.tenantId())
                .bind("a", r.agentId())
                .bind("name", r.name())
                .bind("reason", r.reason())
                .bind("by", r.requestedBy())
                .bind("at", Timestamps.arg(r.requestedAt()))
                .bind("state", r.state())
                .execute());
    }

    @Override
    public List<Removal> pendingRemovals(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM secret_removals WHERE tenant_id = :t AND agent_id = :a AND state = 'pending'
                        ORDER BY requested_at, id""")
                .bind("t", tenantId)
                .bind("a", agentId)
                .map(JdbcVaultStore::removal)
                .list());
    }

    @Override
    public List<Removal> removalsOf(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM secret_removals WHERE tenant_id = :t AND agent_id = :a
                        ORDER BY requested_at DESC, id""")
                .bind("t", tenantId)
                .bind("a", agentId)
                .map(JdbcVaultStore::removal)
                .list());
    }

    @Override
    public Optional<Removal> answerRemoval(
            String tenantId, String agentId, String removalId, String state, String message, Instant at) {
        return jdbi.inTransaction(h -> {
            int changed = h.createUpdate("""
                            UPDATE secret_removals SET state = :state, message = :message, acked_at = :at
                            WHERE tenant_id = :t AND agent_id = :a AND id = :id AND state = 'pending'""")
                    .bind("state", state)
                    .bind("message", message)
                    .bind("at", Timestamps.arg(at))
                    .bind("t", tenantId)
                    .bind("a", agentId)
                    .bind("id", removalId)
                    .execute();
            if (changed != 1) {
                return Optional.<Removal>empty();
            }
            return h.createQuery("SELECT * FROM secret_removals WHERE tenant_id = :t AND id = :id")
                    .bind("t", tenantId)
                    .bind("id", removalId)
                    .map(JdbcVaultStore::removal)
                    .findOne();
        });
    }

    @Override
    public void insertWipe(Wipe w) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO vault_wipes (id, tenant_id, agent_id, requested_by, requested_at, state, acked_at)
                        VALUES (:id, :t, :a, :by, :at, :state, NULL)""")
                .bind("id", w.id())
                .bind("t", w.tenantId())
                .bind("a", w.agentId())
                .bind("by", w.requestedBy())
                .bind("at", Timestamps.arg(w.requestedAt()))
                .bind("state", w.state())
                .execute());
    }

    @Override
    public List<Wipe> pendingWipes(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM vault_wipes WHERE tenant_id = :t AND agent_id = :a AND state = 'pending'
                        ORDER BY requested_at, id""")
                .bind("t", tenantId)
                .bind("a", agentId)
                .map(JdbcVaultStore::wipe)
                .list());
    }

    @Override
    public List<Wipe> wipesOf(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM vault_wipes WHERE tenant_id = :t AND agent_id = :a
                        ORDER BY requested_at DESC, id""")
                .bind("t", tenantId)
                .bind("a", agentId)
                .map(JdbcVaultStore::wipe)
                .list());
    }

    @Override
    public boolean answerWipe(String tenantId, String agentId, String wipeId, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE vault_wipes SET state = 'wiped', acked_at = :at
                                WHERE tenant_id = :t AND agent_id = :a AND id = :id AND state = 'pending'""")
                        .bind("at", Timestamps.arg(at))
                        .bind("t", tenantId)
                        .bind("a", agentId)
                        .bind("id", wipeId)
                        .execute())
                == 1;
    }

    private static Secret secret(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Secret(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                new PolicyScope(rs.getString("scope_kind"), rs.getString("scope_value")),
                rs.getLong("cache_seconds"),
                rs.getString("use_rule"),
                rs.getBoolean("hub_storage"),
                rs.getString("held_value"),
                rs.getInt("version"),
                rs.getString("description"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                rs.getString("updated_by"));
    }

    private static Delivery delivery(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Delivery(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("secret_id"),
                rs.getInt("version"),
                rs.getString("agent_id"),
                rs.getString("sealed"),
                rs.getString("state"),
                rs.getString("message"),
                Timestamps.read(rs, "created_at"),
                rs.getTimestamp("acked_at") == null ? null : Timestamps.read(rs, "acked_at"));
    }

    private static Removal removal(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Removal(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("agent_id"),
                rs.getString("name"),
                rs.getString("reason"),
                rs.getString("requested_by"),
                Timestamps.read(rs, "requested_at"),
                rs.getString("state"),
                rs.getString("message"),
                rs.getTimestamp("acked_at") == null ? null : Timestamps.read(rs, "acked_at"));
    }

    private static Wipe wipe(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Wipe(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("agent_id"),
                rs.getString("requested_by"),
                Timestamps.read(rs, "requested_at"),
                rs.getString("state"),
                rs.getTimestamp("acked_at") == null ? null : Timestamps.read(rs, "acked_at"));
    }
}
