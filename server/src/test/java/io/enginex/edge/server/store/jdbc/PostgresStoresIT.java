package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL at 127.0.0.1:5432 (user {@code postgres}, trust auth, as
 * CI starts it). The class works in a database of its own, made here and dropped afterwards. When
 * PostgreSQL is not there the tests fail rather than skip: a silently skipped half of the contract
 * would hide PostgreSQL-only bugs.
 */
class PostgresStoresIT extends StoreContract {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String USER = "postgres";

    private final String database = StoreFixture.id("enginex_it").toLowerCase(Locale.ROOT);

    @Override
    DatabaseConfig createDatabase() {
        admin("CREATE DATABASE " + database);
        return DatabaseConfig.of(SERVER + database, USER, "");
    }

    @Override
    void dropDatabase() {
        admin("DROP DATABASE IF EXISTS " + database);
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "test", USER, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(
                    "PostgreSQL is needed at 127.0.0.1:5432 (user postgres, database test) for these tests and "
                            + "could not be used: " + e.getMessage() + ". Start it (CI does), then run again.",
                    e);
        }
    }

    @Test
    void theHubKeepsThePlannersStatisticsSoAJobIsFoundByItsKeyWhateverAutovacuumDoes() {
        String tenant = newTenant();
        var agent = newAgent(tenant);
        var session = newSession(tenant);
        for (int i = 0; i < 2 * PlannerStatistics.MIN_CHANGES; i++) {
            newJob(tenant, agent.id(), session.id(), now(), now().plusSeconds(3600));
        }
        String lookup = "EXPLAIN SELECT * FROM jobs WHERE tenant_id = '" + tenant + "' AND id = 'job_x'";

        // PostgreSQL reports a table's changes a moment after each commit, and this server runs with
        // autovacuum off; the hub's timer calls refreshStatistics every 5 s.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    jdbcStores().refreshStatistics();
                    assertThat(query(lookup)).contains("jobs_pkey");
                });
    }

    private String query(String sql) throws SQLException {
        try (Connection c = jdbcStores().dataSource().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
            return out.toString().strip();
        }
    }

    @Test
    void dialectIsPostgresql() {
        assertThat(jdbcStores().dialect()).isEqualTo("postgresql");
    }

    @Test
    void unreachablePostgresqlIsNamedWithoutThePassword() {
        DatabaseConfig nowhere = DatabaseConfig.of("jdbc:postgresql://127.0.0.1:1/test", USER, "s3cret-pw");

        assertThatThrownBy(() -> JdbcStores.open(nowhere, Clock.systemUTC()))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("Cannot reach PostgreSQL at 127.0.0.1:1: connection refused")
                .hasMessageContaining("Check that PostgreSQL is running")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void missingDatabaseSaysSo() {
        DatabaseConfig missing = DatabaseConfig.of(SERVER + database + "_missing", USER, "");

        assertThatThrownBy(() -> JdbcStores.open(missing, Clock.systemUTC()))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("127.0.0.1:5432 has no such database");
    }
}
