package io.enginex.edge.server.ops;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ops_buckets} table (migration V16) of the PostgreSQL database the hub's nodes share. A
 * row is one node's bucket of one tenant ({@code tenant_key} its id) or of every tenant ({@code
 * tenant_key} empty); the key is (tenant, bucket, node), so a tenant's console reads only its own
 * rows by the key. PostgreSQL only (the write is one {@code INSERT … SELECT FROM unnest(…)} of
 * arrays, one statement for every row of a bucket); on the embedded database the hub is one node and
 * shares nothing ({@link OpsBuckets#NONE}).
 *
 * <p>Times are bucket starts in milliseconds since the epoch of the writing node's clock; nodes
 * should run NTP, as they must for token expiry anyway. Thread-safe; every call runs on a handle of
 * its own, in its own commit. A database error propagates.
 */
public final class JdbcOpsBuckets implements OpsBuckets {
    private static final Logger log = LoggerFactory.getLogger(JdbcOpsBuckets.class);

    /** The {@code tenant_key} of a node's totals across tenants. */
    static final String ALL = "";

    private static final long BUCKET_MILLIS = OpsHistory.BUCKET.toMillis();

    private static final String WRITE = """
            INSERT INTO ops_buckets (at_millis, tenant_key, node_name, connected, busy, unresponsive,
                                     connects, disconnects, dispatched, completed, errors, latency_bins, latency_max_ms)
            SELECT * FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::integer[], ?::integer[], ?::integer[],
                                 ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::varchar[],
                                 ?::float8[])
            ON CONFLICT (tenant_key, at_millis, node_name) DO NOTHING""";

    private final Jdbi jdbi;

    /** @param jdbi over the hub's PostgreSQL database, migrated (V16 made the table) */
    public JdbcOpsBuckets(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void write(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        Long[] at = new Long[n];
        String[] tenant = new String[n];
        String[] node = new String[n];
        Integer[] connected = new Integer[n];
        Integer[] busy = new Integer[n];
        Integer[] unresponsive = new Integer[n];
        Long[] connects = new Long[n];
        Long[] disconnects = new Long[n];
        Long[] dispatched = new Long[n];
        Long[] completed = new Long[n];
        Long[] errors = new Long[n];
        String[] bins = new String[n];
        Double[] max = new Double[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            at[i] = r.index() * BUCKET_MILLIS;
            tenant[i] = r.tenantId() == null ? ALL : r.tenantId();
            node[i] = r.node();
            connected[i] = r.connected();
            busy[i] = r.busy();
            unresponsive[i] = r.unresponsive();
            connects[i] = r.connects();
            disconnects[i] = r.disconnects();
            dispatched[i] = r.dispatched();
            completed[i] = r.completed();
            errors[i] = r.errors();
            bins[i] = r.latency() == null ? null : r.latency().encode();
            max[i] = r.latency() == null ? null : r.latency().maxMillis();
        }
        jdbi.useHandle(h -> {
            Connection c = h.getConnection();
            try (PreparedStatement s = c.prepareStatement(WRITE)) {
                Object[][] columns = {
                    at,
                    tenant,
                    node,
                    connected,
                    busy,
                    unresponsive,
                    connects,
                    disconnects,
                    dispatched,
                    completed,
                    errors,
                    bins,
                    max
                };
                String[] types = {
                    "bigint", "varchar", "varchar", "integer", "integer", "integer", "bigint", "bigint", "bigint",
                    "bigint", "bigint", "varchar", "float8"
                };
                for (int i = 0; i < columns.length; i++) {
                    Array array = c.createArrayOf(types[i], columns[i]);
                    s.setArray(i + 1, array);
                }
                s.executeUpdate();
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException("writing " + n + " ops bucket rows failed", e, null);
            }
        });
    }

    @Override
    public List<Row> read(String tenantId, String node, long fromIndex) {
        String sql = "SELECT * FROM ops_buckets WHERE tenant_key = :tenant AND at_millis >= :from"
                + (node == null ? "" : " AND node_name = :node");
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql)
                    .bind("tenant", tenantId == null ? ALL : tenantId)
                    .bind("from", fromIndex * BUCKET_MILLIS);
            if (node != null) {
                query.bind("node", node);
            }
            return query.map((rs, ctx) -> row(rs)).list();
        });
    }

    @Override
    public Map<String, Span> spans(long fromIndex) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT node_name, MIN(at_millis) AS first_at, MAX(at_millis) AS last_at FROM ops_buckets
                        WHERE tenant_key = :all AND at_millis >= :from GROUP BY node_name""")
                .bind("all", ALL)
                .bind("from", fromIndex * BUCKET_MILLIS)
                .reduceRows(new HashMap<String, Span>(), (spans, view) -> {
                    spans.put(
                            view.getColumn("node_name", String.class),
                            new Span(
                                    view.getColumn("first_at", Long.class) / BUCKET_MILLIS,
                                    view.getColumn("last_at", Long.class) / BUCKET_MILLIS));
                    return spans;
                }));
    }

    @Override
    public int purge(long beforeIndex) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM ops_buckets WHERE at_millis < :before")
                .bind("before", beforeIndex * BUCKET_MILLIS)
                .execute());
    }

    private static Row row(ResultSet rs) throws SQLException {
        String tenant = rs.getString("tenant_key");
        return new Row(
                rs.getString("node_name"),
                ALL.equals(tenant) ? null : tenant,
                Math.floorDiv(rs.getLong("at_millis"), BUCKET_MILLIS),
                integer(rs, "connected"),
                integer(rs, "busy"),
                integer(rs, "unresponsive"),
                rs.getLong("connects"),
                rs.getLong("disconnects"),
                rs.getLong("dispatched"),
                rs.getLong("completed"),
                rs.getLong("errors"),
                latency(rs));
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    /** The row's histogram; one that does not decode (written by another release) is left out and logged. */
    private static LatencyBins latency(ResultSet rs) throws SQLException {
        String bins = rs.getString("latency_bins");
        if (bins == null) {
            return null;
        }
        try {
            return LatencyBins.decode(bins, rs.getDouble("latency_max_ms"));
        } catch (IllegalArgumentException e) {
            log.atWarn()
                    .addKeyValue("node", rs.getString("node_name"))
                    .addKeyValue("reason", e.getMessage())
                    .log("an ops bucket's latency histogram does not decode; its percentiles are left out");
            return null;
        }
    }
}
