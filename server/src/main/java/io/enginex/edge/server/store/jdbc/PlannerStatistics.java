package io.enginex.edge.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PostgreSQL's planner statistics of the hub's busy tables current, whatever autovacuum does.
 * Without them the planner plans for the table as it was last analysed: an empty jobs table is read
 * by a sequential scan, and it keeps being read that way when it holds a million rows, so every
 * lookup of one job reads them all. Autovacuum analyses a table only after it changed by a tenth, at
 * most once a minute, and only when it is on (it is off on some managed and hand-tuned servers). So
 * the hub checks itself, on a timer: a table whose rows changed by more than a tenth (and at least
 * {@link #MIN_CHANGES}) since its last analysis is analysed now. A failure is logged, not thrown:
 * statistics are an optimisation. (H2 plans a unique key lookup by the key without statistics.)
 */
final class PlannerStatistics {
    /** The tables the job hot path reads and writes, and the ops buckets every node writes every 10 s. */
    static final List<String> TABLES = List.of(
            "jobs", "agents", "sessions", "idempotency_keys", "audit_events", "audit_node_chains", "ops_buckets");

    /** Fewer changed rows than this never make a table worth analysing again. */
    static final long MIN_CHANGES = 200;

    private static final Logger log = LoggerFactory.getLogger(PlannerStatistics.class);

    private final DataSource dataSource;

    PlannerStatistics(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Analyses every table of {@link #TABLES} now (after migrating: the planner knows nothing yet). */
    void analyseAll() {
        run(TABLES);
    }

    /** Analyses the tables that changed enough since their last analysis. Never throws. */
    void refresh() {
        List<String> stale = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                var q = c.prepareStatement("""
                        SELECT relname, n_live_tup, n_mod_since_analyze FROM pg_stat_user_tables
                        WHERE schemaname = current_schema() AND relname = ANY (?)""")) {
            q.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    long changed = rs.getLong("n_mod_since_analyze");
                    if (changed >= Math.max(MIN_CHANGES, rs.getLong("n_live_tup") / 10)) {
                        stale.add(rs.getString("relname"));
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.atDebug().addKeyValue("reason", e.toString()).log("cannot read table statistics; trying again later");
            return;
        }
        run(stale);
    }

    /** Warns when autovacuum is off: the hub analyses its tables, but nothing removes dead rows. */
    void warnIfAutovacuumOff() {
        try (Connection c = dataSource.getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SHOW autovacuum")) {
            if (rs.next() && "off".equalsIgnoreCase(rs.getString(1))) {
                log.atWarn()
                        .log("autovacuum is off on this PostgreSQL server: the hub keeps its planner statistics"
                                + " itself, but dead rows of finished jobs are never reclaimed, so the tables grow."
                                + " Turn it on (autovacuum = on in postgresql.conf) or run VACUUM regularly");
            }
        } catch (SQLException | RuntimeException e) {
            log.atDebug().addKeyValue("reason", e.toString()).log("cannot read the autovacuum setting");
        }
    }

    private void run(List<String> tables) {
        if (tables.isEmpty()) {
            return;
        }
        // The names come from TABLES, never from input.
        try (Connection c = dataSource.getConnection();
                var s = c.createStatement()) {
            s.execute("ANALYZE " + String.join(", ", tables));
            log.atDebug().addKeyValue("tables", String.join(",", tables)).log("planner statistics updated");
        } catch (SQLException | RuntimeException e) {
            log.atWarn()
                    .addKeyValue("tables", String.join(",", tables))
                    .addKeyValue("reason", e.getMessage())
                    .log("cannot update the planner's statistics; trying again later");
        }
    }
}
