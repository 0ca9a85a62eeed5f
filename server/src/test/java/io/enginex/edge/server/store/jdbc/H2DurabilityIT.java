package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.enginex.edge.server.store.Job;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job the hub has committed to the embedded database survives the hub being killed with SIGKILL:
 * a child JVM ({@link CommittingHub}) commits and says so, the test kills it at once and reopens the
 * database. This is what {@code WRITE_DELAY=0} in {@link DatabaseConfig#embedded} is for.
 */
class H2DurabilityIT {
    private static final long STARTUP_SECONDS = 60;

    @TempDir
    Path dataDir;

    private Process child;

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void aJobCommittedJustBeforeSigkillSurvives() throws Exception {
        Output output = start(1);

        String line = output.next();
        kill();

        assertThat(line).isEqualTo("committed job_1");
        assertJobsExist(List.of("job_1"), output);
    }

    @Test
    void jobsCommittedWhileWritingSurviveSigkill() throws Exception {
        Output output = start(0);
        List<String> committed = new ArrayList<>();

        while (committed.size() < 25) {
            committed.add(output.next().substring("committed ".length()));
        }
        kill();

        assertJobsExist(committed, output);
    }

    @Test
    void aSecondHubOnTheSameDataDirectoryIsToldWhoHoldsIt() throws Exception {
        Output output = start(1);
        assertThat(output.next()).isEqualTo("committed job_1");
        assertThat(output.next()).isEqualTo("idle");

        assertThatThrownBy(() -> JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC()))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("Another hub is using the data directory " + dataDir.toAbsolutePath())
                .hasMessageContaining("another --data-dir");

        kill();
        assertJobsExist(List.of("job_1"), output);
    }

    private Output start(int jobs) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        javaBinary(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CommittingHub.class.getName(),
                        dataDir.toString(),
                        Integer.toString(jobs))
                .redirectErrorStream(true);
        child = builder.start();
        return new Output(child);
    }

    private void kill() throws InterruptedException {
        child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no H2 close
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private void assertJobsExist(List<String> ids, Output output) {
        try (JdbcStores stores = JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC())) {
            List<String> found = stores.jobs().listBySession(CommittingHub.TENANT, "ses_durable").stream()
                    .map(Job::id)
                    .toList();
            assertThat(found)
                    .as("jobs after SIGKILL; child said:%n%s", output.seen())
                    .containsAll(ids);
        }
    }

    private static String javaBinary() {
        String configured = System.getProperty("enginex.java");
        if (configured != null && !configured.isBlank() && !configured.contains("${")) {
            return configured;
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The child's output, read on a thread of its own so the child never blocks on a full pipe. */
    private static final class Output {
        private final BlockingQueue<String> protocol = new LinkedBlockingQueue<>();
        private final StringBuffer seen = new StringBuffer();

        Output(Process process) {
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        seen.append(line).append('\n');
                        if (line.startsWith("committed ") || line.equals("idle")) {
                            protocol.add(line);
                        }
                    }
                } catch (IOException e) {
                    seen.append("(output closed: ").append(e.getMessage()).append(")\n");
                }
            });
        }

        /** The next {@code committed …} or {@code idle} line. */
        String next() throws InterruptedException {
            String line = protocol.poll(STARTUP_SECONDS, TimeUnit.SECONDS);
            assertThat(line)
                    .as("a line from the child within %d s; it said:%n%s", STARTUP_SECONDS, seen)
                    .isNotNull();
            return line;
        }

        String seen() {
            return seen.toString();
        }
    }
}
