package io.enginex.edge.server.store;

/**
 * The hub cannot open or prepare its database: another hub holds the embedded file, PostgreSQL is
 * unreachable or refuses the login, or the schema cannot be migrated. The message says what to do;
 * it never contains the password.
 */
public final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
