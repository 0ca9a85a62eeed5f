package io.enginex.edge.server.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Tells a database that is down, stalled, full or restarting (worth a {@code 503} and a retry) from
 * a bug (a {@code 500}). The one place that knows the JDBC, HikariCP, PostgreSQL and H2 shapes of
 * "unavailable"; the HTTP error mapping and the agent socket ask it.
 */
public final class DatabaseFailures {
    /**
     * H2 error codes that mean the embedded database (its file) failed, not the statement: I/O errors
     * (a full disk), a database closed after such an error, a broken connection, a lock wait that
     * timed out, and out of memory.
     */
    static final Set<Integer> H2_UNAVAILABLE = Set.of(
            90028, // IO_EXCEPTION_1
            90031, // IO_EXCEPTION_2
            90067, // CONNECTION_BROKEN_1
            90098, // DATABASE_IS_CLOSED
            90108, // OUT_OF_MEMORY
            90121, // DATABASE_CALLED_AT_SHUTDOWN
            50200); // LOCK_TIMEOUT_1

    private DatabaseFailures() {}

    /** True when {@code error}, or any cause, says the database cannot be used right now. */
    public static boolean isUnavailable(Throwable error) {
        boolean underSql = false;
        for (Throwable t = error; t != null; t = t.getCause()) {
            // An I/O error under a database error (a refused or reset connection, a read timeout; H2
            // reports a full disk as "General error" caused by MVStore's "Writing to … failed", caused by
            // "No space left on device"). Not one without a database error: a client hanging up is no
            // database failure.
            if (underSql && t instanceof IOException) {
                return true;
            }
            underSql |= t instanceof SQLException;
            if (t instanceof DatabaseUnavailableException
                    || t instanceof SQLTransientConnectionException // Hikari: no connection in time
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && unavailableState(sql)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * SQLState class 08 (connection exception), 53 (insufficient resources: disk full, too many
     * connections), 57P (PostgreSQL shutting down, restarting, or not yet accepting connections),
     * and the H2 codes above.
     */
    static boolean unavailableState(SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"))) {
            return true;
        }
        return sql.getClass().getName().startsWith("org.h2.") && H2_UNAVAILABLE.contains(sql.getErrorCode());
    }
}
