package io.enginex.edge.bench.fleet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh PostgreSQL database on the shared server (127.0.0.1:5432, user {@code postgres}, trust
 * auth) for one run, dropped at the end, so a run never sees another's rows or statistics.
 */
public final class ScratchDatabase implements AutoCloseable {
    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    public static final String USER = "postgres";

    private final String name;

    private ScratchDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code prefix_<millis>} through the {@code test} database. */
    public static ScratchDatabase create(String prefix) {
        String name = prefix + "_" + System.currentTimeMillis();
        exec("CREATE DATABASE " + name);
        return new ScratchDatabase(name);
    }

    public String url() {
        return SERVER + name;
    }

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "test", USER, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL on 127.0.0.1:5432 (database test, user postgres) refused: " + sql + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
