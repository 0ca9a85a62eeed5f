package io.enginex.edge.server.ratelimit;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.TestHub;
import java.time.Clock;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The buckets contract in PostgreSQL (127.0.0.1:5432, user postgres, as CI starts it), in a database
 * made for this class and dropped afterwards. Nodes 0 and 1 are two connection pools on it, as two
 * hub nodes are; the table is emptied before each test.
 */
class PostgresBucketsIT extends BucketsContract {
    private static final String DATABASE =
            TestHub.randomId("buckets_it").replace('-', '_').toLowerCase(Locale.ROOT);

    private static JdbcStores nodeA;
    private static JdbcStores nodeB;

    @BeforeAll
    static void createDatabase() {
        admin("CREATE DATABASE " + DATABASE);
        DatabaseConfig config = DatabaseConfig.of(SERVER + DATABASE, "postgres", "");
        nodeA = JdbcStores.open(config, Clock.systemUTC());
        nodeB = JdbcStores.open(config, Clock.systemUTC());
    }

    @AfterAll
    static void dropDatabase() {
        try {
            if (nodeA != null) {
                nodeA.close();
            }
            if (nodeB != null) {
                nodeB.close();
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    @BeforeEach
    void emptyTheTable() {
        nodeA.jdbi().useHandle(h -> h.execute("DELETE FROM rate_buckets"));
    }

    @Override
    Buckets node(int n) {
        return new JdbcBuckets((n == 0 ? nodeA : nodeB).jdbi());
    }

    private int rows() {
        return nodeA.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM rate_buckets")
                        .mapTo(Integer.class)
                        .one());
    }

    @Test
    void aBudgetIsOneRowThatBothNodesUpdate() {
        RateLimiter nodeA = limiter(0, "register", 10);
        RateLimiter nodeB = limiter(1, "register", 10);
        nodeA.acquire("10.0.0.1");
        nodeB.acquire("10.0.0.1");
        nodeB.acquire("10.0.0.2");

        assertThat(rows()).isEqualTo(2);
        assertThat(node(0).peek("register/10.0.0.1", clock.millis())).isEqualTo(new Buckets.Level(8, 10));
    }

    @Test
    void longAndOddKeysAreStoredHashedAndKeepTheirOwnBudgets() {
        RateLimiter logins = limiter(0, "login-email", 2);
        String longEmail = "a".repeat(300) + "@example.com";
        String longTwin = "a".repeat(300) + "@example.org"; // the same first 200 characters
        String withNul = "eve\u0000@example.com"; // PostgreSQL text cannot hold a NUL

        logins.acquire(longEmail);
        logins.acquire(longEmail);
        logins.acquire(longTwin);
        logins.acquire(withNul);
        logins.acquire(withNul);
        logins.acquire("eve@example.com");

        assertThatThrownBy(() -> logins.acquire(longEmail)).isInstanceOf(HubException.RateLimited.class);
        assertThatThrownBy(() -> logins.acquire(withNul)).isInstanceOf(HubException.RateLimited.class);
        logins.acquire(longTwin);
        logins.acquire("eve@example.com");
        assertThat(JdbcBuckets.column("login-email/" + longEmail))
                .startsWith("login-email/#")
                .hasSizeLessThanOrEqualTo(JdbcBuckets.MAX_PLAIN_KEY);
    }

    @Test
    void theLazyCommitOfAnAttemptStaysWithItsTransaction() {
        // A pool of one connection, so a setting left on it would be seen by the next statement.
        var config = new HikariConfig();
        config.setJdbcUrl(SERVER + DATABASE);
        config.setUsername("postgres");
        config.setMaximumPoolSize(1);
        try (var pool = new HikariDataSource(config)) {
            Jdbi jdbi = Jdbi.create(pool);
            new RateLimiter("register", 10, clock, new JdbcBuckets(jdbi)).acquire("10.0.0.1");

            String after = jdbi.withHandle(h ->
                    h.createQuery("SHOW synchronous_commit").mapTo(String.class).one());

            assertThat(after)
                    .as("the pooled connection's next statement commits as configured")
                    .isEqualTo("on");
        }
    }

    @Test
    void purgeDeletesTheRowsOfFullBuckets() {
        RateLimiter limiter = limiter(0, "register", 10);
        limiter.acquire("10.0.0.1");
        limiter.acquire("10.0.0.2");
        assertThat(rows()).isEqualTo(2);

        int purged = node(1).purge(clock.millis() + 7_000 + JdbcBuckets.PURGE_MARGIN_MILLIS);

        assertThat(purged).isEqualTo(2);
        assertThat(rows()).isZero();
    }

    @Test
    void aDatabaseThatCannotBeReachedFailsTheAttemptAsUnavailable() {
        var nowhere = new JdbcBuckets(Jdbi.create("jdbc:postgresql://127.0.0.1:1/nowhere", "postgres", ""));
        RateLimiter limiter = new RateLimiter("register", 10, clock, nowhere);

        // Fails closed: no attempt passes unmetered; the HTTP error mapping answers it 503.
        assertThatThrownBy(() -> limiter.acquire("10.0.0.1"))
                .satisfies(e -> assertThat(DatabaseFailures.isUnavailable(e))
                        .as("recognised as the database being unavailable: %s", e)
                        .isTrue());
        assertThatThrownBy(() -> limiter.requireLeft("failed:10.0.0.1", "x"))
                .satisfies(e -> assertThat(DatabaseFailures.isUnavailable(e)).isTrue());
    }
}
