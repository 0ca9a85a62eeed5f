package io.enginex.edge.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL server tests make their own databases on (127.0.0.1:5432, user postgres, trust, as CI
 * starts it): {@link #admin} runs a statement as postgres in its {@code test} database, and fails the
 * test with the fix when the server is not there.
 */
public final class ScratchPostgres {
    /** The server's JDBC URL without a database; append one. */
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private ScratchPostgres() {}

    /** Runs {@code sql} (CREATE DATABASE, DROP DATABASE …) as postgres. */
    public static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "test", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(
                    "PostgreSQL is needed at 127.0.0.1:5432 (user postgres, database test): " + e.getMessage()
                            + ". Start it (scripts/check-postgres.sh), then run again.",
                    e);
        }
    }
}
