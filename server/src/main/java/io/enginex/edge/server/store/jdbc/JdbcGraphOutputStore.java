package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.GraphOutputStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

final class JdbcGraphOutputStore implements GraphOutputStore {
    private final Jdbi jdbi;

    JdbcGraphOutputStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<Output> find(String tenantId, String stepId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.id, s.tenant_id, s.run_id, r.agent_id, s.output_bytes, s.output_sha256,
                            o.received_bytes, o.complete
                        FROM graph_run_steps s JOIN graph_runs r ON r.run_id = s.run_id
                        LEFT JOIN graph_run_outputs o ON o.step_id = s.id
                        WHERE s.tenant_id = :tenantId AND s.id = :stepId AND s.output_file""")
                .bind("tenantId", tenantId)
                .bind("stepId", stepId)
                .map((rs, ctx) -> new Output(
                        rs.getString("id"),
                        rs.getString("tenant_id"),
                        rs.getString("run_id"),
                        rs.getString("agent_id"),
                        rs.getLong("output_bytes"),
                        rs.getString("output_sha256"),
                        rs.getLong("received_bytes"),
                        rs.getBoolean("complete")))
                .findOne());
    }

    @Override
    public Append append(Output o, long offset, byte[] data, long tenantCap, Instant now) {
        return jdbi.inTransaction(h -> {
            boolean started = h.createQuery("SELECT count(*) FROM graph_run_outputs WHERE step_id = :id")
                            .bind("id", o.stepId())
                            .mapTo(Integer.class)
                            .one()
                    == 1;
            if (!started) {
                long used = h.createQuery(
                                "SELECT COALESCE(SUM(total_bytes), 0) FROM graph_run_outputs WHERE tenant_id = :t")
                        .bind("t", o.tenantId())
                        .mapTo(Long.class)
                        .one();
                if (used + o.totalBytes() > tenantCap) {
                    return new Append(Appended.TENANT_FULL, o);
                }
                h.createUpdate("""
                                INSERT INTO graph_run_outputs (step_id, tenant_id, run_id, total_bytes, sha256,
                                    received_bytes, complete, started_at)
                                VALUES (:id, :t, :run, :total, :sha, 0, FALSE, :now)
                                ON CONFLICT DO NOTHING""")
                        .bind("id", o.stepId())
                        .bind("t", o.tenantId())
                        .bind("run", o.runId())
                        .bind("total", o.totalBytes())
                        .bind("sha", o.sha256())
                        .bind("now", Timestamps.arg(now))
                        .execute();
            }
            // the row lock serialises appends to one output (two connections of one agent, two nodes)
            Output now0 = h.createQuery("""
                            SELECT received_bytes, complete FROM graph_run_outputs WHERE step_id = :id FOR UPDATE""")
                    .bind("id", o.stepId())
                    .map((rs, ctx) -> withProgress(o, rs.getLong("received_bytes"), rs.getBoolean("complete")))
                    .one();
            if (now0.complete() || offset != now0.received() || data.length == 0) {
                return new Append(Appended.STORED, now0);
            }
            long received = Math.min(now0.received() + data.length, o.totalBytes());
            byte[] kept =
                    received - offset < data.length ? java.util.Arrays.copyOf(data, (int) (received - offset)) : data;
            h.createUpdate("INSERT INTO graph_run_output_chunks (step_id, byte_offset, data) VALUES (:id, :o, :d)")
                    .bind("id", o.stepId())
                    .bind("o", offset)
                    .bind("d", kept)
                    .execute();
            if (received < o.totalBytes()) {
                setReceived(h, o.stepId(), received, false, null);
                return new Append(Appended.STORED, withProgress(o, received, false));
            }
            if (!sha256(h, o.stepId()).equals(o.sha256())) {
                h.createUpdate("DELETE FROM graph_run_output_chunks WHERE step_id = :id")
                        .bind("id", o.stepId())
                        .execute();
                setReceived(h, o.stepId(), 0, false, null);
                return new Append(Appended.HASH_MISMATCH, withProgress(o, 0, false));
            }
            setReceived(h, o.stepId(), received, true, now);
            return new Append(Appended.STORED, withProgress(o, received, true));
        });
    }

    @Override
    public boolean copy(String tenantId, String stepId, OutputStream out) throws IOException {
        boolean complete = jdbi.withHandle(h -> h.createQuery(
                                "SELECT count(*) FROM graph_run_outputs WHERE tenant_id = :t AND step_id = :id AND complete")
                        .bind("t", tenantId)
                        .bind("id", stepId)
                        .mapTo(Integer.class)
                        .one())
                == 1;
        if (!complete) {
            return false;
        }
        // one chunk in memory at a time: a 64 MiB output is never held whole
        List<Long> offsets = jdbi.withHandle(h -> h.createQuery(
                        "SELECT byte_offset FROM graph_run_output_chunks WHERE step_id = :id ORDER BY byte_offset")
                .bind("id", stepId)
                .mapTo(Long.class)
                .list());
        for (long offset : offsets) {
            byte[] data = jdbi.withHandle(h -> h.createQuery(
                            "SELECT data FROM graph_run_output_chunks WHERE step_id = :id AND byte_offset = :o")
                    .bind("id", stepId)
                    .bind("o", offset)
                    .mapTo(byte[].class)
                    .one());
            out.write(data);
        }
        return true;
    }

    private static Output withProgress(Output o, long received, boolean complete) {
        return new Output(
                o.stepId(), o.tenantId(), o.runId(), o.agentId(), o.totalBytes(), o.sha256(), received, complete);
    }

    private static void setReceived(Handle h, String stepId, long received, boolean complete, Instant at) {
        h.createUpdate("""
                        UPDATE graph_run_outputs SET received_bytes = :r, complete = :c, completed_at = :at
                        WHERE step_id = :id""")
                .bind("r", received)
                .bind("c", complete)
                .bind("at", Timestamps.arg(at))
                .bind("id", stepId)
                .execute();
    }

    private static String sha256(Handle h, String stepId) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (var rows = h
                .createQuery("SELECT data FROM graph_run_output_chunks WHERE step_id = :id ORDER BY byte_offset")
                .bind("id", stepId)
                .mapTo(byte[].class)
                .stream()) {
            rows.forEach(digest::update);
        } catch (UncheckedIOException e) {
            throw e;
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
