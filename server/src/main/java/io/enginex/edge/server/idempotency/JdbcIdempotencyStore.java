package io.enginex.edge.server.idempotency;

import io.enginex.edge.server.store.Transactions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;

/**
 * Keys in the {@code idempotency_keys} table (migration V10) of the hub's database, H2 or PostgreSQL.
 *
 * <p>Must be given the same {@link Jdbi} as the hub's stores: JDBI hands a nested call on the same
 * thread the outer call's handle, which is how a store's write joins {@link #inTransaction}.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {
    /** SQL standard "unique violation", reported by H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;
    private final Transactions transactions;

    /**
     * @param transactions runs the creates; on the hub its group commit, so that the creates of many
     *     requests share a commit
     */
    public JdbcIdempotencyStore(Jdbi jdbi, Transactions transactions) {
        this.jdbi = jdbi;
        this.transactions = transactions;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return transactions.inTransaction(work);
    }

    @Override
    public void insert(StoredKey key) {
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            INSERT INTO idempotency_keys (tenant_id, principal, key_hash, fingerprint, resource_id,
                                status, answer, created_at)
                            VALUES (:tenantId, :principal, :keyHash, :fingerprint, :resourceId, :status, :answer,
                                :createdAt)""")
                    .bind("tenantId", key.tenantId())
                    .bind("principal", key.principal())
                    .bind("keyHash", key.keyHash())
                    .bind("fingerprint", key.fingerprint())
                    .bind("resourceId", key.resourceId())
                    .bind("status", key.status())
                    .bind("answer", key.sealedAnswer())
                    .bind("createdAt", timestamp(key.createdAt()))
                    .execute());
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw new KeyTakenException(
                        "the Idempotency-Key of " + key.principal() + " in tenant " + key.tenantId()
                                + " was stored by another request first",
                        e);
            }
            throw e;
        }
    }

    @Override
    public Optional<StoredKey> find(String tenantId, String principal, String keyHash) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT tenant_id, principal, key_hash, fingerprint, resource_id, status, answer, created_at
                        FROM idempotency_keys WHERE tenant_id = :tenantId AND principal = :principal
                            AND key_hash = :keyHash""")
                .bind("tenantId", tenantId)
                .bind("principal", principal)
                .bind("keyHash", keyHash)
                .map((rs, ctx) -> read(rs))
                .findOne());
    }

    @Override
    public int deleteCreatedBefore(Instant cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .bind("cutoff", timestamp(cutoff))
                .execute());
    }

    private static StoredKey read(ResultSet rs) throws SQLException {
        return new StoredKey(
                rs.getString("tenant_id"),
                rs.getString("principal"),
                rs.getString("key_hash"),
                rs.getString("fingerprint"),
                rs.getString("resource_id"),
                rs.getInt("status"),
                rs.getString("answer"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    /** UTC, cut to microseconds (what PostgreSQL keeps), as the other stores write instants. */
    private static Argument timestamp(Instant instant) {
        if (instant == null) {
            return (position, statement, ctx) -> statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        OffsetDateTime value = OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    private static boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
