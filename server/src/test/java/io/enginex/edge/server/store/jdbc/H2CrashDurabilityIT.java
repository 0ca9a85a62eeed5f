package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.store.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged writes survive SIGKILL of a busy hub, kill after kill, on one data directory.
 *
 * <p>A child JVM ({@link JobWriter}) opens the embedded database as the hub does and commits
 * jobs from several threads, printing each id once its commit has returned. The test kills it with
 * SIGKILL after a random number of acknowledgements, reopens the database as the hub does, and
 * checks that every job ever acknowledged is there; then it starts the next child on the same
 * files.
 *
 * <p>By default the hub's URL gets {@code ;RETENTION_TIME=0}: H2 then may write over a dead chunk's
 * space at once instead of 45 s after the chunk was written, so the test reaches within seconds the
 * state a hub reaches after running for 45 s. With space reuse on (the hub before {@code
 * REUSE_SPACE=FALSE}, see {@link DatabaseConfig#embedded}) 4 of 20 kills lost acknowledged jobs this
 * way; with the hub's settings alone, 30 kills over 7 minutes lost none on the same machine.
 *
 * <p>System properties, for measuring by hand: {@code h2crash.kills} (default 10; one kill at least,
 * more while the time budget lasts), {@code h2crash.seconds} (the time budget, default 50), {@code
 * h2crash.load} (busy threads in this JVM, to load the machine further; default 0), {@code
 * h2crash.seed}, {@code h2crash.url} (settings appended to the hub's H2 URL; default {@code
 * ;RETENTION_TIME=0}, empty for the hub's settings alone).
 */
class H2CrashDurabilityIT {
    private static final int KILLS = Integer.getInteger("h2crash.kills", 10);
    private static final Duration BUDGET = Duration.ofSeconds(Integer.getInteger("h2crash.seconds", 50));
    private static final int LOAD_THREADS = Integer.getInteger("h2crash.load", 0);
    private static final String URL_SETTINGS = System.getProperty("h2crash.url", ";RETENTION_TIME=0");
    private static final int WRITERS = 4;
    /** The most acknowledgements a child gets before it is killed: up to a few seconds of writing. */
    private static final int MAX_ACKS_BEFORE_KILL = 300;

    @TempDir
    Path dataDir;

    private final AtomicBoolean loading = new AtomicBoolean(true);
    private JobWriterProcess child;

    @AfterEach
    void stop() {
        loading.set(false);
        if (child != null) {
            child.close();
        }
    }

    @Test
    void everyAcknowledgedJobSurvivesRepeatedSigkills() throws Exception {
        long seed = Long.getLong("h2crash.seed", System.nanoTime());
        Random random = new Random(seed);
        startLoad();
        Set<String> acknowledged = new HashSet<>();
        List<String> losses = new ArrayList<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int kills = 0;
        // At least one kill, however slow the machine; more while the budget lasts.
        for (int run = 1; run == 1 || (run <= KILLS && System.nanoTime() < deadline); run++) {
            child = JobWriterProcess.start(dataDir, run, WRITERS, 0, URL_SETTINGS);
            int target = 1 + random.nextInt(MAX_ACKS_BEFORE_KILL);
            JobWriterProcess current = child;
            await("child %d acknowledges %d jobs".formatted(run, target))
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> current.acked().size() >= target || !current.isAlive());
            assertThat(current.isAlive())
                    .as("child %d is still writing; it said:%n%s", run, current.output())
                    .isTrue();
            long writingNanos = current.kill();
            long fileBytes = Files.size(dataDir.resolve("db").resolve("hub.mv.db"));
            kills++;
            acknowledged.addAll(current.acked());

            Set<String> present;
            try (JdbcStores stores = JdbcStores.open(JobWriter.database(dataDir, URL_SETTINGS), Clock.systemUTC())) {
                present = stores.jdbi()
                        .withHandle(h -> h.createQuery("select id from jobs")
                                .mapTo(String.class)
                                .collectIntoSet());
            } catch (RuntimeException e) {
                losses.add("run %d: the database did not reopen: %s".formatted(run, e));
                break;
            }
            System.out.printf(
                    "H2CrashDurabilityIT: run %d killed after %d acks in %d ms, file %d MiB at the kill, %d jobs"
                            + " after reopen%n",
                    run,
                    current.acked().size(),
                    TimeUnit.NANOSECONDS.toMillis(writingNanos),
                    fileBytes >> 20,
                    present.size());
            List<String> missing = acknowledged.stream()
                    .filter(id -> !present.contains(id))
                    .sorted()
                    .toList();
            if (!missing.isEmpty()) {
                losses.add("run %d (killed after %d acks): %d acknowledged jobs missing, first %s"
                        .formatted(
                                run,
                                current.acked().size(),
                                missing.size(),
                                missing.subList(0, Math.min(5, missing.size()))));
                acknowledged.removeAll(missing);
            }
        }
        String summary = "seed=%d kills=%d acknowledged=%d runs with losses=%d"
                .formatted(seed, kills, acknowledged.size(), losses.size());
        System.out.println("H2CrashDurabilityIT: " + summary + (losses.isEmpty() ? "" : " " + losses));
        assertThat(losses).as(summary).isEmpty();
    }

    /** Busy threads, so commits and the kill happen on a more loaded machine. */
    private void startLoad() {
        for (int i = 0; i < LOAD_THREADS; i++) {
            Thread.ofPlatform().daemon().name("load-" + i).start(() -> {
                long x = 0;
                while (loading.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            });
        }
    }
}
