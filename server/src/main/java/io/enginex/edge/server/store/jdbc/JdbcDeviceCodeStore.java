package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.DeviceCode;
import io.enginex.edge.server.store.DeviceCodeStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcDeviceCodeStore implements DeviceCodeStore {
    private final Jdbi jdbi;

    JdbcDeviceCodeStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void create(DeviceCode c) {
        SqlErrors.insert(
                "user code taken",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                                INSERT INTO device_codes (device_code_hash, user_code, public_key, hostname, os, arch,
                                    username, agent_version, source_ip, created_at, expires_at, interval_seconds,
                                    status, labels, machine_id, tenant_id)
                                VALUES (:hash, :userCode, :publicKey, :hostname, :os, :arch, :username, :agentVersion,
                                    :sourceIp, :createdAt, :expiresAt, :interval, 'pending', '[]', :machineId,
                                    :tenantId)""")
                        .bind("hash", c.deviceCodeHash())
                        .bind("userCode", c.userCode())
                        .bind("publicKey", c.publicKey())
                        .bind("hostname", c.hostname())
                        .bind("os", c.os())
                        .bind("arch", c.arch())
                        .bind("username", c.username())
                        .bind("agentVersion", c.agentVersion())
                        .bind("sourceIp", c.sourceIp())
                        .bind("createdAt", Timestamps.arg(c.createdAt()))
                        .bind("expiresAt", Timestamps.arg(c.expiresAt()))
                        .bind("interval", c.intervalSeconds())
                        .bind("machineId", c.machineId())
                        .bind("tenantId", c.tenantId())
                        .execute()));
    }

    @Override
    public Optional<DeviceCode> findByDeviceCodeHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM device_codes WHERE device_code_hash = :v")
                .bind("v", hash)
                .map(JdbcDeviceCodeStore::map)
                .findOne());
    }

    @Override
    public List<DeviceCode> listPending(String tenantId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM device_codes
                        WHERE tenant_id = :tenantId AND status = 'pending' AND expires_at > :now
                        ORDER BY created_at, user_code""")
                .bind("tenantId", tenantId)
                .bind("now", Timestamps.arg(now))
                .map(JdbcDeviceCodeStore::map)
                .list());
    }

    @Override
    public Optional<DeviceCode> findByUserCode(String userCode) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM device_codes WHERE user_code = :v")
                .bind("v", userCode)
                .map(JdbcDeviceCodeStore::map)
                .findOne());
    }

    @Override
    public void recordPoll(String hash, Instant at, int intervalSeconds) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE device_codes SET last_polled_at = :at, interval_seconds = :interval
                        WHERE device_code_hash = :hash""")
                .bind("at", Timestamps.arg(at))
                .bind("interval", intervalSeconds)
                .bind("hash", hash)
                .execute());
    }

    @Override
    public boolean decide(
            String userCode,
            String status,
            String tenantId,
            List<String> labels,
            String decidedBy,
            String agentId,
            Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE device_codes
                                SET status = :status, tenant_id = :tenantId, labels = :labels, decided_by = :decidedBy,
                                    agent_id = :agentId
                                WHERE user_code = :userCode AND status = 'pending' AND expires_at > :now
                                  AND (tenant_id IS NULL OR tenant_id = :tenantId)""")
                        .bind("status", status)
                        .bind("tenantId", tenantId)
                        .bind("labels", LabelsJson.write(labels))
                        .bind("decidedBy", decidedBy)
                        .bind("agentId", agentId)
                        .bind("userCode", userCode)
                        .bind("now", Timestamps.arg(now))
                        .execute())
                == 1;
    }

    @Override
    public boolean consume(String hash) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE device_codes SET status = 'consumed'
                                WHERE device_code_hash = :hash AND status = 'approved'""").bind("hash", hash).execute()) == 1;
    }

    @Override
    public int purgeExpired(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM device_codes WHERE expires_at < :before")
                .bind("before", Timestamps.arg(before))
                .execute());
    }

    private static DeviceCode map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new DeviceCode(
                rs.getString("device_code_hash"),
                rs.getString("user_code"),
                rs.getString("public_key"),
                rs.getString("hostname"),
                rs.getString("os"),
                rs.getString("arch"),
                rs.getString("username"),
                rs.getString("agent_version"),
                rs.getString("source_ip"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "expires_at"),
                rs.getInt("interval_seconds"),
                Timestamps.read(rs, "last_polled_at"),
                rs.getString("status"),
                rs.getString("tenant_id"),
                LabelsJson.read(rs.getString("labels")),
                rs.getString("decided_by"),
                rs.getString("agent_id"),
                rs.getString("machine_id"));
    }
}
