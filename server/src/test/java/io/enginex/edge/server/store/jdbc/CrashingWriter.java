package io.enginex.edge.server.store.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.Session;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link H2CrashDurabilityIT}: opens the embedded database of a data directory
 * the way the hub does, then writes jobs from several threads until it is killed, as a busy hub
 * does. Each thread creates a job, prints {@code ack <jobId>} once the commit has returned, and then
 * marks the job dispatched (a second commit that rewrites the row, so old chunks go dead and H2
 * has space to reuse, as in a hub that has run for a while).
 *
 * <p>Usage: {@code CrashingWriter <dataDir> <run> <threads> [<urlSettings>]}. Prints {@code ready}
 * once the database is open; job ids are {@code job_<run>_<thread>_<n>}, so every run's ids are new.
 * {@code urlSettings} (for measuring other H2 settings by hand) is appended to the hub's URL.
 */
public final class CrashingWriter {
    static final String TENANT = "crash";
    static final String AGENT = "agt_crash";
    static final String SESSION = "ses_crash";

    private CrashingWriter() {}

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args[0]);
        String run = args[1];
        int threads = Integer.parseInt(args[2]);
        String urlSettings = args.length > 3 ? args[3] : "";
        JdbcStores stores = JdbcStores.open(database(dataDir, urlSettings), Clock.systemUTC());
        prepare(stores);
        PrintStream out = System.out;
        synchronized (out) {
            out.println("ready");
            out.flush();
        }
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String prefix = "job_" + run + "_" + t + "_";
            writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> write(stores, prefix, out)));
        }
        for (Thread writer : writers) {
            writer.join();
        }
    }

    /** The hub's embedded database, with {@code urlSettings} appended to its URL when not empty. */
    static DatabaseConfig database(Path dataDir, String urlSettings) {
        DatabaseConfig hub = DatabaseConfig.embedded(dataDir);
        return urlSettings.isEmpty()
                ? hub
                : new DatabaseConfig(hub.jdbcUrl() + urlSettings, hub.user(), hub.password(), hub.maxPoolSize());
    }

    /** Creates the tenant, agent and session the jobs belong to, unless an earlier run did. */
    static void prepare(JdbcStores stores) {
        if (stores.tenants().find(TENANT).isEmpty()) {
            stores.tenants().create(TENANT, "Crash");
            stores.agents()
                    .create(new Agent(
                            AGENT, TENANT, "key", null, null, null, null, List.of(), null, null, null, null, null));
            stores.sessions().create(new Session(SESSION, TENANT, "kill me", "test", null));
        }
    }

    private static void write(JdbcStores stores, String prefix, PrintStream out) {
        for (long n = 1; ; n++) {
            String id = prefix + n;
            createJob(stores, id);
            // One println per id, flushed at once: a line the test reads is a commit that returned.
            synchronized (out) {
                out.println("ack " + id);
                out.flush();
            }
            stores.jobs().markDispatched(TENANT, id, Instant.now());
        }
    }

    /** Creates a job and marks it dispatched: two commits, as the hub makes for a job it sends. */
    static void writeJob(JdbcStores stores, String id) {
        createJob(stores, id);
        stores.jobs().markDispatched(TENANT, id, Instant.now());
    }

    private static void createJob(JdbcStores stores, String id) {
        Instant now = Instant.now();
        stores.jobs()
                .create(Job.created(
                        id,
                        TENANT,
                        SESSION,
                        AGENT,
                        "fs.read",
                        JsonNodeFactory.instance.objectNode().put("path", "a.txt"),
                        JobState.QUEUED,
                        now,
                        now.plusSeconds(3600)));
    }
}
