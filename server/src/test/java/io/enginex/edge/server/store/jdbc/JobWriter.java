package io.enginex.edge.server.store.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.Session;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of the embedded database's kill tests ({@link H2DurabilityIT}, {@link
 * H2CrashDurabilityIT}), driven by {@link JobWriterProcess}: opens the embedded database of a data
 * directory the way the hub does, then writes jobs from several threads, as a busy hub does. Each
 * thread creates a job, prints {@code ack <jobId>} once the commit has returned, and then marks the
 * job dispatched (a second commit that rewrites the row, so old chunks go dead and H2 has space to
 * reuse, as in a hub that has run for a while).
 *
 * <p>Usage: {@code JobWriter <dataDir> <run> <threads> <jobsPerThread> [<urlSettings>]}. Prints
 * {@code ready} once the database is open; job ids are {@code job_<run>_<thread>_<n>}, so every run's
 * ids are new. With {@code jobsPerThread} 0 it writes until killed; otherwise it prints {@code idle}
 * when done and holds the database open, like a running hub, until its stdin closes. {@code
 * urlSettings} (for measuring other H2 settings by hand) is appended to the hub's URL.
 */
public final class JobWriter {
    static final String TENANT = "crash";
    static final String AGENT = "agt_crash";
    static final String SESSION = "ses_crash";

    private JobWriter() {}

    public static void main(String[] args) throws InterruptedException, IOException {
        Path dataDir = Path.of(args[0]);
        String run = args[1];
        int threads = Integer.parseInt(args[2]);
        long jobsPerThread = Long.parseLong(args[3]);
        String urlSettings = args.length > 4 ? args[4] : "";
        JdbcStores stores = JdbcStores.open(database(dataDir, urlSettings), Clock.systemUTC());
        prepare(stores);
        PrintStream out = System.out;
        say(out, "ready");
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String prefix = "job_" + run + "_" + t + "_";
            writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> write(stores, prefix, jobsPerThread, out)));
        }
        for (Thread writer : writers) {
            writer.join();
        }
        say(out, "idle");
        // Hold the database open, as a running hub does, until the test closes stdin or kills this process.
        while (System.in.read() >= 0) {
            // keep waiting
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
                    .create(Agent.registered(AGENT, TENANT, "key", null, null, null, null, List.of(), null, null));
            stores.sessions().create(new Session(SESSION, TENANT, "kill me", "test", null));
        }
    }

    private static void write(JdbcStores stores, String prefix, long jobs, PrintStream out) {
        for (long n = 1; jobs == 0 || n <= jobs; n++) {
            String id = prefix + n;
            createJob(stores, id);
            say(out, "ack " + id); // a line the test reads is a commit that returned
            stores.jobs().markDispatched(TENANT, id, Instant.now());
        }
    }

    /** One println per line, flushed at once, whole lines only. */
    private static void say(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
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
