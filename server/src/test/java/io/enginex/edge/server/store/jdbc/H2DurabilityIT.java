package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.enginex.edge.server.store.Job;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job the hub has committed to the embedded database survives the hub being killed with SIGKILL:
 * a child JVM ({@link JobWriter}) commits and says so, the test kills it at once and reopens the
 * database. This is what {@code WRITE_DELAY=0} in {@link DatabaseConfig#embedded} is for.
 */
class H2DurabilityIT {
    @TempDir
    Path dataDir;

    private JobWriterProcess child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.close();
        }
    }

    @Test
    void aJobCommittedJustBeforeSigkillSurvives() throws Exception {
        JobWriterProcess output = start(1);

        String line = output.next();
        kill();

        assertThat(line).isEqualTo("ack job_1_0_1");
        assertJobsExist(List.of("job_1_0_1"), output);
    }

    @Test
    void jobsCommittedWhileWritingSurviveSigkill() throws Exception {
        JobWriterProcess output = start(0);
        List<String> committed = new ArrayList<>();

        while (committed.size() < 25) {
            committed.add(output.next().substring("ack ".length()));
        }
        kill();

        assertJobsExist(committed, output);
    }

    @Test
    void aSecondHubOnTheSameDataDirectoryIsToldWhoHoldsIt() throws Exception {
        JobWriterProcess output = start(1);
        assertThat(output.next()).isEqualTo("ack job_1_0_1");
        assertThat(output.next()).isEqualTo("idle");

        assertThatThrownBy(() -> JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC()))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("Another hub is using the data directory " + dataDir.toAbsolutePath())
                .hasMessageContaining("another --data-dir");

        kill();
        assertJobsExist(List.of("job_1_0_1"), output);
    }

    private JobWriterProcess start(int jobs) throws IOException {
        child = JobWriterProcess.start(dataDir, 1, 1, jobs, "");
        return child;
    }

    private void kill() throws InterruptedException {
        child.kill(); // SIGKILL on Unix: no shutdown hooks, no H2 close
    }

    private void assertJobsExist(List<String> ids, JobWriterProcess output) {
        try (JdbcStores stores = JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC())) {
            List<String> found = stores.jobs().listBySession(JobWriter.TENANT, JobWriter.SESSION).stream()
                    .map(Job::id)
                    .toList();
            assertThat(found)
                    .as("jobs after SIGKILL; child said:%n%s", output.output())
                    .containsAll(ids);
        }
    }
}
