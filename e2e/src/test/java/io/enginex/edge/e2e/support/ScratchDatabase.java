package io.enginex.edge.e2e.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A database of the test's own on the shared PostgreSQL server (127.0.0.1:5432, or {@code
 * ENGINEX_TEST_PG=host:port}; user postgres, trust authentication, as scripts/test-prereqs.sh
 * starts it), made empty and dropped afterwards, with whoever is still connected thrown out.
 */
public final class ScratchDatabase implements AutoCloseable {
    private final String server;
    private final String name;

    private ScratchDatabase(String server, String name) {
        this.server = server;
        this.name = name;
    }

    /** Creates {@code <prefix>_<random>}; fails with the fix when the server does not answer. */
    public static ScratchDatabase create(String prefix) {
        String hostPort = System.getenv().getOrDefault("ENGINEX_TEST_PG", "127.0.0.1:5432");
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replace('-', '_');
        ScratchDatabase db = new ScratchDatabase("jdbc:postgresql://" + hostPort + "/", name);
        db.admin("CREATE DATABASE " + name);
        return db;
    }

    /** The JDBC URL the hub nodes get as {@code --db-url} (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return server + name;
    }

    public String name() {
        return name;
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(server + "postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(
                    "PostgreSQL is needed at " + server + " (user postgres, trust authentication): " + e.getMessage()
                            + ". Start it with scripts/test-prereqs.sh (scripts/check-postgres.sh says what is"
                            + " wrong), then run again.",
                    e);
        }
    }

    @Override
    public void close() {
        // WITH (FORCE), PostgreSQL 13+: a killed node's connections may not be gone yet.
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
