package io.enginex.edge.server.store;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the hub's database lives and how to log in. Immutable; validated on construction.
 *
 * <p>Two kinds of URL are accepted: {@code jdbc:h2:} (the embedded default, one hub node) and
 * {@code jdbc:postgresql://} (production, several nodes). {@link #toString()} never shows the
 * password, nor a {@code password=} parameter inside the URL.
 *
 * @param maxPoolSize the most connections the hub keeps open to the database
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, int maxPoolSize) {
    /** Pool size when none is given: DB calls are short; virtual threads queue for a connection. */
    public static final int DEFAULT_POOL_SIZE = 10;

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    public DatabaseConfig {
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:postgresql://") || jdbcUrl.startsWith("jdbc:h2:"))) {
            throw new IllegalArgumentException("--db-url must start with jdbc:postgresql:// or jdbc:h2:; got "
                    + (jdbcUrl == null ? "nothing" : redact(jdbcUrl)));
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("the database pool needs at least one connection; got " + maxPoolSize);
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /**
     * The embedded H2 database of a hub: the file {@code <dataDir>/db/hub.mv.db}.
     *
     * <p>{@code WRITE_DELAY=0} makes every commit reach the file before the commit returns, so a
     * job the hub has written survives the hub being killed (the default delays writes by up to
     * 500 ms). The write reaches the operating system, not necessarily the disk: a killed hub loses
     * nothing, a power cut may lose the last commits (use PostgreSQL where that matters).
     *
     * <p>{@code REUSE_SPACE=FALSE} makes H2 append every commit to the end of the file instead of
     * writing it over the space of chunks it counts as dead. With space reuse on, H2 2.5 lost
     * acknowledged commits across a SIGKILL: a few commits in the middle of a busy stretch were
     * missing after the reopen, while later ones were there (H2CrashDurabilityIT: 4 of 20 kills with
     * {@code RETENTION_TIME=0}, which lets H2 reuse space at once; the default 45 s retention only
     * delays the reuse). HubCrashE2EIT lost the last commits before a kill on a loaded machine, which
     * is taken to be the same fault: with this setting neither has lost a commit since.
     * Appending never overwrites a chunk, so a chunk freed too early still holds its pages. The cost
     * is that the file only grows while the hub runs; {@link
     * io.enginex.edge.server.store.jdbc.JdbcStores#open} compacts it to its live data at every start.
     *
     * <p>{@code DB_CLOSE_ON_EXIT=FALSE} leaves closing to {@link Stores#close()}, so a
     * shutdown hook of the hub can still write while the JVM exits.
     */
    public static DatabaseConfig embedded(Path dataDir) {
        String file =
                dataDir.resolve("db").resolve("hub").toAbsolutePath().toString().replace('\\', '/');
        if (file.indexOf(';') >= 0) {
            throw new IllegalArgumentException(
                    "the data directory " + dataDir + " contains ';', which H2 cannot use; pick another --data-dir");
        }
        return new DatabaseConfig(
                "jdbc:h2:file:" + file
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                        + ";WRITE_DELAY=0;REUSE_SPACE=FALSE;DB_CLOSE_ON_EXIT=FALSE",
                "sa",
                "",
                DEFAULT_POOL_SIZE);
    }

    public static DatabaseConfig of(String jdbcUrl, String user, String password) {
        return new DatabaseConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE);
    }

    public DatabaseConfig withMaxPoolSize(int size) {
        return new DatabaseConfig(jdbcUrl, user, password, size);
    }

    /** {@code h2} or {@code postgresql}. */
    public String dialect() {
        return jdbcUrl.startsWith("jdbc:h2:") ? "h2" : "postgresql";
    }

    /** The URL with any {@code password=} parameter masked, fit for logs and messages. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    @Override
    public String toString() {
        return "DatabaseConfig[jdbcUrl=" + redactedUrl() + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "****") + ", maxPoolSize=" + maxPoolSize + "]";
    }

    private static String redact(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1****");
    }
}
