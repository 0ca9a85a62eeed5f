package io.enginex.edge.bench.compare;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What PostgreSQL does for a durable job by itself, over JDBC, with no hub: insert the job, mark it
 * running, complete it. Per job, each write is its own commit (3 commits a job, one connection per
 * client); group-committed, one writer thread takes every job waiting and writes the batch in two
 * transactions (insert all; mark running and complete all), so concurrent jobs share commits — the
 * design issue 13 asks of the hub. Uses its own table in a scratch database.
 */
final class PostgresAnchor {
    private static final String TABLE = """
            CREATE TABLE bench_job (id varchar(40) PRIMARY KEY, agent_id varchar(40) NOT NULL, tool varchar(64) NOT NULL,
              args text NOT NULL, state varchar(16) NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
              started_at timestamptz, finished_at timestamptz, output text)""";
    private static final String INSERT =
            "INSERT INTO bench_job (id, agent_id, tool, args, state) VALUES (?, 'agt_bench', 'sys.ping', '{}', 'queued')";
    private static final String RUNNING = "UPDATE bench_job SET state = 'running', started_at = now() WHERE id = ?";
    private static final String DONE =
            "UPDATE bench_job SET state = 'succeeded', finished_at = now(), output = '{\"pong\":true}' WHERE id = ?";

    private final String url;
    private final String user;

    PostgresAnchor(String url, String user) throws SQLException {
        this.url = url;
        this.user = user;
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(TABLE);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, "");
    }

    RunResult perJob(int clients, Duration warmup, Duration measured) throws Exception {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(connect());
            }
            return ClosedLoop.run("postgres-anchor", "per-job-commit", clients, warmup, measured, client -> {
                Connection c = connections.get(client);
                String id = UUID.randomUUID().toString();
                for (String sql : List.of(INSERT, RUNNING, DONE)) {
                    try (PreparedStatement p = c.prepareStatement(sql)) {
                        p.setString(1, id);
                        p.executeUpdate();
                    }
                }
            });
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    RunResult groupCommit(int clients, Duration warmup, Duration measured) throws Exception {
        BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        Thread writer = Thread.ofPlatform().name("group-commit").start(() -> write(queue));
        try {
            return ClosedLoop.run("postgres-anchor", "group-commit", clients, warmup, measured, job(queue));
        } finally {
            writer.interrupt();
            writer.join();
        }
    }

    /** The chart's open-model line of the group-committed writes at each rate. */
    List<OpenLoop.Outcome> sweep(List<Double> rates, Duration warmup, Duration measured) throws Exception {
        BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        Thread writer = Thread.ofPlatform().name("group-commit").start(() -> write(queue));
        try {
            List<OpenLoop.Outcome> out = new ArrayList<>();
            for (double rate : rates) {
                out.add(OpenLoop.run("postgres-anchor (group-commit)", rate, warmup, measured, job(queue)));
            }
            return out;
        } finally {
            writer.interrupt();
            writer.join();
        }
    }

    private static ClosedLoop.Operation job(BlockingQueue<Pending> queue) {
        return client -> {
            Pending p = new Pending(UUID.randomUUID().toString(), new CompletableFuture<>());
            queue.add(p);
            p.done().get(30, TimeUnit.SECONDS);
        };
    }

    private record Pending(String id, CompletableFuture<Void> done) {}

    /** The writer: waits for one job, takes all that are waiting (up to 1,000), two commits for all. */
    private void write(BlockingQueue<Pending> queue) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            List<Pending> batch = new ArrayList<>();
            while (!Thread.currentThread().isInterrupted()) {
                batch.add(queue.take());
                queue.drainTo(batch, 999);
                try {
                    batchUpdate(c, INSERT, batch);
                    c.commit();
                    batchUpdate(c, RUNNING, batch);
                    batchUpdate(c, DONE, batch);
                    c.commit();
                    batch.forEach(p -> p.done().complete(null));
                } catch (SQLException e) {
                    c.rollback();
                    batch.forEach(p -> p.done().completeExceptionally(e));
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            throw new IllegalStateException("the group-commit writer lost PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static void batchUpdate(Connection c, String sql, List<Pending> batch) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (Pending job : batch) {
                p.setString(1, job.id());
                p.addBatch();
            }
            p.executeBatch();
        }
    }
}
