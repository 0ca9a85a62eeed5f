package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.DuplicateException;
import java.sql.SQLException;

/** Recognises database errors by SQLState, which H2 and PostgreSQL share for the cases used here. */
final class SqlErrors {
    /** SQL standard "unique violation"; both H2 and PostgreSQL report it for primary and unique keys. */
    private static final String UNIQUE_VIOLATION = "23505";

    private SqlErrors() {}

    static boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs an insert, turning a unique violation into a {@link DuplicateException} with {@code
     * message}; any other error propagates unchanged.
     */
    static void insert(String message, Runnable insert) {
        try {
            insert.run();
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw new DuplicateException(message, e);
            }
            throw e;
        }
    }
}
