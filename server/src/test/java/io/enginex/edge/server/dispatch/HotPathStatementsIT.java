package io.enginex.edge.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database work of one job on its hot path through the real hub (REST create with an
 * Idempotency-Key, dispatch to a connected agent, ack, result, long-poll): which statements run, so a
 * change that adds a read or a write to every job shows here; and the graph reads of an agent's hello.
 * Upper bounds, not timings.
 */
class HotPathStatementsIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static final List<String> statements = new CopyOnWriteArrayList<>();
    static final String TIMER_THREADS = "hub-timers";

    /** The webhook sender reads once per wake-up (at most every 100 ms), not per job. */
    static final String WEBHOOK_SENDER = "webhook-sender";

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        ((JdbcStores) hub.hub().stores()).jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                // The hub's timers (deadline sweep, purges) are not a job's work.
                String thread = Thread.currentThread().getName();
                if (!thread.startsWith(TIMER_THREADS) && !thread.equals(WEBHOOK_SENDER)) {
                    statements.add(context.getRenderedSql().strip().replaceAll("\\s+", " "));
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aJobTakesAFewKeyLookupsAndItsWritesGoThroughTheGroupCommit() throws Exception {
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            runOne(tenant, session, agent, socket); // warm: caches, first-use work
            statements.clear();

            JsonNode answered = runOne(tenant, session, agent, socket);

            List<String> writes =
                    statements.stream().filter(HotPathStatementsIT::isWrite).toList();
            List<String> reads = statements.stream().filter(s -> !isWrite(s)).toList();
            System.out.printf("hot path of one job: %d reads, %d writes%n", reads.size(), writes.size());
            statements.forEach(s -> System.out.println("  " + s.substring(0, Math.min(140, s.length()))));
            // Two group-commit units: created (the job, its audit event, its idempotency key) and finished
            // (the job and its job.finished audit event, which the job event streams and webhooks read).
            // An audit event is three statements: lock the chain's head, insert the link, move the head.
            // A job answered this fast is never marked dispatched or running: its result records that.
            assertThat(writes).as("writes of one job").hasSizeLessThanOrEqualTo(9);
            assertThat(writes)
                    .filteredOn(s -> s.startsWith("UPDATE jobs"))
                    .as("the job's row is written twice: inserted, finished")
                    .hasSize(1);
            assertThat(reads).as("reads of one job").hasSizeLessThanOrEqualTo(11);
            assertThat(reads)
                    .filteredOn(s -> s.startsWith("SELECT * FROM api_keys"))
                    .as("the API key of a busy client is remembered for a second")
                    .hasSizeLessThanOrEqualTo(1);
            assertThat(reads)
                    .filteredOn(s -> s.startsWith("SELECT * FROM jobs"))
                    .as("the long-poll reads the job once and answers from the completion")
                    .hasSize(1);

            JsonNode stored = hub.api()
                    .get(
                            "/api/v1/tenants/" + tenant + "/jobs/"
                                    + answered.path("id").asText(),
                            hub.platformKey())
                    .body();
            assertThat(answered)
                    .as("the long-poll's answer is the job as stored")
                    .isEqualTo(stored);
        }
    }

    @Test
    void aHelloReadsTheAgentsGraphsInOneStatementHoweverManyItHas() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        for (String name : List.of("one", "two", "three")) {
            var created = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/graphs",
                            admin,
                            Map.of(
                                    "scope",
                                    "tenant",
                                    "source",
                                    "{\"version\":1,\"name\":\"" + name
                                            + "\",\"steps\":[{\"id\":\"a\",\"tool\":\"sys.ping\"}]}"));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
        }
        TestAgent agent = hub.register(tenant);
        statements.clear();

        try (AgentSocket socket = hub.connect(agent)) {
            assertThat(socket.hello("sys.ping").graphs().signed()).hasSize(3);
        }

        assertThat(statements)
                .filteredOn(s -> s.contains("FROM graphs") || s.contains("graph_versions"))
                .as("the graphs of a hello: one query, not one per graph")
                .hasSize(1);
    }

    /**
     * One job through the REST API, its long-poll waiting before the result arrives, so it is woken by
     * the completion.
     *
     * @return the long-poll's answer
     */
    private static JsonNode runOne(String tenant, String session, TestAgent agent, AgentSocket socket)
            throws Exception {
        var created = hub.api()
                .exchange(
                        "POST",
                        "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                        hub.platformKey(),
                        Map.of("Idempotency-Key", "k-" + System.nanoTime()),
                        Map.of("agentId", agent.agentId(), "tool", "sys.ping", "args", Map.of()));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Dispatch dispatch = socket.expect(Dispatch.class);
        socket.send(new Ack(socket.nextId(), dispatch.jobId()));
        long before = statements.size();
        CompletableFuture<JsonNode> longPoll = CompletableFuture.supplyAsync(() -> hub.api()
                .get("/api/v1/tenants/" + tenant + "/jobs/" + dispatch.jobId() + "?wait=30", hub.platformKey())
                .body());
        // The long-poll registers its waiter before it reads the job: once the read ran, it waits.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> statements.stream().skip(before).anyMatch(s -> s.startsWith("SELECT * FROM jobs")));
        socket.send(new Result(
                socket.nextId(),
                dispatch.jobId(),
                TestHub.MAPPER.createObjectNode().put("pong", true),
                null,
                Instant.now().minusMillis(3),
                Instant.now(),
                false));
        JsonNode done = longPoll.get(30, TimeUnit.SECONDS);
        assertThat(done.path("state").asText()).isEqualTo("succeeded");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> hub.hub().stores().groupCommit().waiting() == 0);
        return done;
    }

    private static boolean isWrite(String sql) {
        String s = sql.toLowerCase(Locale.ROOT);
        return s.startsWith("insert") || s.startsWith("update") || s.startsWith("delete") || s.contains("for update");
    }
}
