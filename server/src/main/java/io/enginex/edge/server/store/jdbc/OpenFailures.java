package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * Turns a failure to open the database into a message a person can act on. Messages name the data
 * directory or host:port and what to do; they never contain the password (driver messages used
 * here do not carry it, and URLs are shown redacted).
 */
final class OpenFailures {
    /** H2's "database may be already in use": another process holds the file lock. */
    private static final int H2_ALREADY_OPEN = 90020;

    private static final String H2_EMBEDDED_SUFFIX = "/db/hub";

    private OpenFailures() {}

    static DatabaseUnavailableException explain(DatabaseConfig config, Throwable error) {
        SQLException sql = find(error, SQLException.class);
        String reason = sql != null ? sql.getMessage() : error.getMessage();
        if ("h2".equals(config.dialect())) {
            if (sql != null && sql.getErrorCode() == H2_ALREADY_OPEN) {
                return new DatabaseUnavailableException(h2Locked(config.jdbcUrl()), error);
            }
            return new DatabaseUnavailableException(
                    "Cannot open the embedded database " + h2File(config.jdbcUrl()) + ": " + reason
                            + ". Check that the data directory is writable and not damaged.",
                    error);
        }
        String at = hostAndPort(config.jdbcUrl());
        String state = sql == null ? "" : String.valueOf(sql.getSQLState());
        if (state.startsWith("28")) {
            return new DatabaseUnavailableException(
                    "PostgreSQL at " + at + " refused the login of user '" + config.user() + "': " + reason
                            + ". Check the database user and password.",
                    error);
        }
        if (state.equals("3D000")) {
            return new DatabaseUnavailableException(
                    "PostgreSQL at " + at + " has no such database (" + reason
                            + "). Create it, or fix the database name in --db-url.",
                    error);
        }
        if (state.startsWith("08")
                || find(error, ConnectException.class) != null
                || find(error, UnknownHostException.class) != null) {
            return new DatabaseUnavailableException(
                    "Cannot reach PostgreSQL at " + at + ": " + networkReason(error)
                            + ". Check that PostgreSQL is running there and that --db-url is right.",
                    error);
        }
        return new DatabaseUnavailableException(
                "Cannot open PostgreSQL at " + at + " (" + config.redactedUrl() + "): " + reason, error);
    }

    /** Names the data directory when the URL is the embedded default, else the database file. */
    static String h2Locked(String jdbcUrl) {
        String file = h2File(jdbcUrl);
        String what = file.endsWith(H2_EMBEDDED_SUFFIX)
                ? "the data directory " + file.substring(0, file.length() - H2_EMBEDDED_SUFFIX.length())
                : "the database " + file;
        return "Another hub is using " + what + " (its database file is locked). Stop that hub, or start this one"
                + " with another --data-dir.";
    }

    static String h2File(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:h2:".length());
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        int semicolon = rest.indexOf(';');
        return semicolon < 0 ? rest : rest.substring(0, semicolon);
    }

    /** {@code host:port} of a PostgreSQL URL, with the default port filled in. */
    static String hostAndPort(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String hosts = rest.substring(0, end);
        if (hosts.isEmpty()) {
            return "localhost:5432";
        }
        if (hosts.contains(",")) {
            return hosts;
        }
        boolean hasPort = hosts.startsWith("[") ? hosts.contains("]:") : hosts.contains(":");
        return hasPort ? hosts : hosts + ":5432";
    }

    /** The innermost cause says it best ("connection refused"); the driver's wrapper adds advice of its own. */
    private static String networkReason(Throwable error) {
        UnknownHostException unknown = find(error, UnknownHostException.class);
        if (unknown != null) {
            return "unknown host " + unknown.getMessage();
        }
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
