package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites an embedded H2 database file to its live data before the hub opens it ({@code SHUTDOWN
 * COMPACT}).
 *
 * <p>The hub's embedded database never reuses space inside its file ({@code REUSE_SPACE=FALSE}, see
 * {@link DatabaseConfig#embedded}), so the file grows with every commit while the hub runs, and H2's
 * own compaction on close cannot shrink it (it moves chunks into free space, which that setting
 * forbids). Compacting at every start bounds the file to the live data plus what one run of the hub
 * writes, whether the last run ended cleanly or was killed.
 *
 * <p>H2 copies the live data to a new file and then swaps it in; a kill in between leaves the old
 * file or the new one, and H2 tidies up the rest the next time it opens the database. A compaction
 * that fails (a full disk: the copy needs room for the live data) is logged and the hub starts on
 * the file as it is.
 */
final class EmbeddedCompaction {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedCompaction.class);

    /** H2's "database may be already in use": another process holds the file lock. */
    private static final int H2_ALREADY_OPEN = 90020;

    private EmbeddedCompaction() {}

    /**
     * Compacts the database of {@code config} if it is an H2 file that exists; does nothing for
     * PostgreSQL, in-memory and server URLs, or a database not created yet.
     *
     * @throws io.enginex.edge.server.store.DatabaseUnavailableException if another hub holds the file
     */
    static void compact(DatabaseConfig config) {
        String url = config.jdbcUrl();
        if (!url.startsWith("jdbc:h2:file:")) {
            return;
        }
        Path file = Path.of(OpenFailures.h2File(url) + ".mv.db");
        long before = size(file);
        if (before < 0) {
            return;
        }
        long start = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(url, config.user(), config.password());
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN COMPACT");
        } catch (SQLException e) {
            if (e.getErrorCode() == H2_ALREADY_OPEN) {
                throw OpenFailures.explain(config, e);
            }
            log.atWarn()
                    .addKeyValue("file", file)
                    .addKeyValue("bytes", before)
                    .setCause(e)
                    .log("could not compact the embedded database; starting on it as it is");
            return;
        }
        log.atInfo()
                .addKeyValue("file", file)
                .addKeyValue("bytesBefore", before)
                .addKeyValue("bytesAfter", size(file))
                .addKeyValue("millis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .log("embedded database compacted");
    }

    /** The file's size, or -1 if it does not exist (or cannot be read, which the open then reports). */
    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
