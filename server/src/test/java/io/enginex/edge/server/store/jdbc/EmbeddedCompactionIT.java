package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database never reuses space in its file, so it grows with every commit; opening it
 * again (a hub restart) compacts it to its live data, and keeps every row.
 */
class EmbeddedCompactionIT {
    private static final int JOBS = 300;

    @TempDir
    Path dataDir;

    @Test
    void reopeningTheEmbeddedDatabaseGivesBackTheSpaceOfOldCommits() throws Exception {
        Path file = dataDir.resolve("db").resolve("hub.mv.db");
        try (JdbcStores stores = JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC())) {
            JobWriter.prepare(stores);
            for (int i = 0; i < JOBS; i++) {
                JobWriter.writeJob(stores, "job_" + i);
            }
        }
        long grown = Files.size(file);

        try (JdbcStores stores = JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC())) {
            long compacted = Files.size(file);
            assertThat(compacted)
                    .as("file size after reopening (%d bytes after %d jobs)", grown, JOBS)
                    .isLessThan(grown / 2);
            assertThat(stores.jobs().listBySession(JobWriter.TENANT, JobWriter.SESSION))
                    .extracting(Job::id)
                    .hasSize(JOBS)
                    .contains("job_0", "job_" + (JOBS - 1));
        }
    }
}
