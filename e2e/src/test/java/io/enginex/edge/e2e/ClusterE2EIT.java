package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentJournal;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.Haproxy;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubCluster;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.IdempotentLoad;
import io.enginex.edge.e2e.support.Json;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.e2e.support.ScratchDatabase;
import io.enginex.edge.e2e.support.Signals;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub as three nodes (separate {@code engine serve} processes, one PostgreSQL database) behind a
 * real HAProxy, with six real agents enrolled through HAProxy and spread over the nodes by it. The
 * nodes re-read queued jobs only every 10 minutes ({@code --cluster-sweep 10m}), so within the test
 * only the cluster's notifications carry a job, a result or a revocation from one node to another.
 *
 * <p>In order: a job created through every node reaches agents on every other node, and a long poll
 * on a third node wakes with its result; a revocation through one node cuts off an agent connected
 * to another; a node SIGKILLed while clients create jobs through HAProxy (retrying with their
 * Idempotency-Key) loses nothing: every accepted job ran exactly once and every agent is back on the
 * surviving nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2EIT {
    private static final int NODES = 3;
    private static final int AGENTS = 6;
    /** The load while a node is killed: clients, each creating this many jobs through HAProxy. */
    private static final int CLIENTS = 3;

    private static final int REQUESTS_PER_CLIENT = 16;
    private static final String TENANT = "acme";
    private static final Pattern WAITING = Pattern.compile("(?m)^enginex_jobs_waiting(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    private Path tmp;
    private Path logs;
    private Path root;
    private Path policy;
    private ScratchDatabase db;
    private HubCluster cluster;
    private final List<AgentProcess> agents = new ArrayList<>();
    /** Agent id → its process, in enrolment order. */
    private final Map<String, AgentProcess> agentById = new LinkedHashMap<>();

    @BeforeAll
    void startClusterAndAgents(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        logs = Jvm.freshLogs(getClass().getSimpleName());
        root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        policy = machinePolicy(root);
        db = ScratchDatabase.create("cluster_e2e");
        cluster = HubCluster.start(
                tmp.resolve("hubs"),
                logs,
                db.jdbcUrl(),
                NODES,
                // A heartbeat longer than the agents are frozen below, so no node drops a frozen agent.
                "--heartbeat",
                "10s",
                // Only notifications deliver across nodes within the test.
                // Only notifications deliver across nodes within the test.
                "--cluster-sweep",
                "10m");
        HubApi api = cluster.node("hub-1").directApi();
        api.createTenant(TENANT);
        // All at once (each is two JVM starts): HAProxy's leastconn gives each new connection to the
        // node with the fewest, which spreads them over the three nodes.
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= AGENTS; i++) {
            names.add("agent-" + i);
        }
        enrol(names);
    }

    @AfterAll
    void stopEverything() {
        try {
            for (AgentProcess agent : agents) {
                agent.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    @Order(1)
    void everyNodeDispatchesToAgentsOnEveryOtherNodeAndALongPollOnAThirdNodeWakesWithTheResult() throws Exception {
        Map<String, String> nodeOf = awaitPlacement(agentById.keySet());
        assertThat(Set.copyOf(nodeOf.values()))
                .as("HAProxy spread the agents over every node: %s", nodeOf)
                .containsExactlyInAnyOrderElementsOf(cluster.nodes().keySet());
        String session = cluster.node("hub-1").directApi().createSession(TENANT, "across-nodes");

        record Trip(String job, String via, String agent, String agentNode, String pollNode) {}
        List<Trip> trips = new ArrayList<>();
        Map<Trip, Future<JsonNode>> polls = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // Frozen agents cannot answer: every job below is still running when its long poll starts.
            agents.forEach(a -> Signals.stop(a.process().pid()));
            try {
                for (String via : cluster.nodes().keySet()) {
                    HubApi viaApi = cluster.node(via).directApi();
                    nodeOf.forEach((agent, agentNode) -> {
                        if (agentNode.equals(via)) {
                            return;
                        }
                        String job = expect(
                                        201,
                                        viaApi.dispatch(TENANT, session, agent, "fs.read", Map.of("path", "a.txt")))
                                .body()
                                .path("id")
                                .asText();
                        String pollNode = cluster.nodes().keySet().stream()
                                .filter(n -> !n.equals(via) && !n.equals(agentNode))
                                .findFirst()
                                .orElseThrow();
                        trips.add(new Trip(job, via, agent, agentNode, pollNode));
                    });
                }
                for (Trip trip : trips) {
                    HubApi pollApi = cluster.node(trip.pollNode()).directApi();
                    polls.put(
                            trip,
                            pool.submit(() -> expect(
                                            200,
                                            pollApi.get(
                                                    "/api/v1/tenants/" + TENANT + "/jobs/" + trip.job() + "?wait=60"))
                                    .body()));
                }
                await("every long poll is waiting on its node")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> cluster.nodes().values().stream()
                                        .mapToDouble(ClusterE2EIT::waiting)
                                        .sum()
                                >= trips.size());
            } finally {
                agents.forEach(a -> Signals.resume(a.process().pid()));
            }
            // Well within the polls' 60 s wait: each answer came from the result's notification, not from
            // the wait running out (a poll that timed out would answer with the job as it then was).
            await("every long poll answered")
                    .atMost(Duration.ofSeconds(45))
                    .untilAsserted(() -> assertThat(polls.entrySet().stream()
                                    .filter(p -> !p.getValue().isDone())
                                    .map(p -> p.getKey().toString())
                                    .toList())
                            .as("long polls still waiting")
                            .isEmpty());
            for (Map.Entry<Trip, Future<JsonNode>> poll : polls.entrySet()) {
                Trip trip = poll.getKey();
                JsonNode job = poll.getValue().get();
                assertThat(job.path("state").asText())
                        .as(
                                "job %s created through %s for an agent on %s, long-polled on %s: %s",
                                trip.job(), trip.via(), trip.agentNode(), trip.pollNode(), job)
                        .isEqualTo("succeeded");
            }
        }
        // Each node created jobs for the agents of both other nodes.
        assertThat(trips.stream()
                        .collect(Collectors.groupingBy(
                                Trip::via, Collectors.mapping(Trip::agentNode, Collectors.toSet()))))
                .hasSize(NODES)
                .allSatisfy((via, targets) -> assertThat(targets).hasSize(NODES - 1));
    }

    @Test
    @Order(2)
    void revocationThroughOneNodeCutsOffAnAgentConnectedToAnother() throws Exception {
        String agentId = enrol(List.of("revoked")).get(0);
        try (AgentProcess agent = agentById.get(agentId)) {
            revokeThroughAnotherNode(agentId, agent);
        }
    }

    private void revokeThroughAnotherNode(String agentId, AgentProcess agent) {
        String agentNode = awaitPlacement(Set.of(agentId)).get(agentId);
        String via = cluster.nodes().keySet().stream()
                .filter(n -> !n.equals(agentNode))
                .findFirst()
                .orElseThrow();

        expect(
                200,
                cluster.node(via)
                        .directApi()
                        .post("/api/v1/tenants/" + TENANT + "/agents/" + agentId + "/revoke", Map.of()));
        agents.remove(agent); // closed below, whatever the outcome: the next test dispatches to the others only
        agentById.remove(agentId);

        // The agent exits with 3 (revoked) only when its node closes its socket with 4001.
        assertThat(agent.process().awaitExit(Duration.ofSeconds(60)))
                .as("the agent on %s stopped as revoked after the revocation through %s", agentNode, via)
                .isEqualTo(3);
        JsonNode last = await("the agent's connection is closed in the record")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> newestConnection(cluster.node(via).directApi(), agentId),
                        c -> c.hasNonNull("disconnectedAt"));
        assertThat(last.path("node").asText()).isEqualTo(agentNode);
        assertThat(last.path("closeCode").asInt())
                .as("closed as revoked: %s", last)
                .isEqualTo(4001);
    }

    @Test
    @Order(3)
    void afterANodeIsKilledUnderLoadEveryAcceptedJobRanExactlyOnceAndEveryAgentIsBackOnTheOthers() throws Exception {
        Map<String, String> nodeOf = awaitPlacement(agentById.keySet());
        // The node with the most agents dies; its agents are frozen first, so jobs it sent them are
        // unanswered (in flight) when it dies.
        String victim = nodeOf.values().stream()
                .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        List<String> survivors =
                cluster.nodes().keySet().stream().filter(n -> !n.equals(victim)).toList();
        List<AgentProcess> victimsAgents = nodeOf.entrySet().stream()
                .filter(e -> e.getValue().equals(victim))
                .map(e -> agentById.get(e.getKey()))
                .toList();
        String session = cluster.node(survivors.get(0)).directApi().createSession(TENANT, "node-killed");
        List<String> targets = List.copyOf(agentById.keySet());
        int requests = CLIENTS * REQUESTS_PER_CLIENT;
        IdempotentLoad load = new IdempotentLoad(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                cluster.haproxy().url() + "/api/v1/tenants/" + TENANT + "/sessions/" + session + "/jobs",
                cluster.node("hub-1").adminKey(),
                Set.of(502, 503, 504), // HAProxy's 502 and 504 for a request its node died with
                Instant.now().plus(Duration.ofSeconds(120)));

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    // the agents in turn
                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                        load.create(targets.get((client * REQUESTS_PER_CLIENT + i) % targets.size()));
                    }
                    return null;
                }));
            }
            load.awaitAccepted(CLIENTS * 2, requests);
            victimsAgents.forEach(a -> Signals.stop(a.process().pid()));
            try {
                load.awaitAccepted(load.accepted() + CLIENTS * 3, requests);
                // Frozen, the node still accepts connections; a request HAProxy sends it before its checks
                // fail hangs there until the kill cuts it, and its client retries the same key elsewhere.
                HubProcess dying = cluster.node(victim);
                Signals.stop(dying.process().pid());
                await("a client's request waits on the frozen " + victim)
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> cluster.haproxy().currentSessions(victim) > victimsAgents.size());
                dying.kill();
            } finally {
                victimsAgents.forEach(a -> Signals.resume(a.process().pid()));
            }
            cluster.haproxy().awaitOnlyUp(survivors);
            for (Future<?> client : clients) {
                client.get();
            }
        }

        Map<String, String> jobOfKey = load.jobOfKey();
        assertThat(jobOfKey).as("every request was accepted").hasSize(requests);
        assertThat(jobOfKey.values()).as("one job per key").doesNotHaveDuplicates();
        // The request that hung on the node when it died was sent again: by HAProxy (option redispatch),
        // or by its client with the same key after HAProxy's 502.
        assertThat(load.retries() + cluster.haproxy().retriesAndRedispatches())
                .as("a request in flight on the killed node was sent again")
                .isPositive();
        HubApi survivor = cluster.node(survivors.get(0)).directApi();
        await("every accepted job finished")
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(jobOfKey.values().stream()
                                .collect(Collectors.toMap(
                                        id -> id,
                                        id -> expect(200, survivor.get("/api/v1/tenants/" + TENANT + "/jobs/" + id))
                                                .body()
                                                .path("state")
                                                .asText())))
                        .allSatisfy((id, state) ->
                                assertThat(state).as("state of job %s", id).isEqualTo("succeeded")));
        assertThat(expect(200, survivor.get("/api/v1/tenants/" + TENANT + "/sessions/" + session))
                        .body()
                        .path("jobs"))
                .as("no job was created twice")
                .hasSize(requests);
        for (String key : jobOfKey.keySet()) {
            assertThat(Files.readAllLines(root.resolve("effect-" + key + ".log")))
                    .as("the job of request %s wrote its line exactly once", key)
                    .containsExactly(key);
        }
        Map<String, Integer> runs = new HashMap<>();
        for (AgentProcess agent : agentById.values()) {
            AgentJournal.runsPerJob(agent.stateDir()).forEach((job, n) -> runs.merge(job, n, Integer::sum));
        }
        assertThat(runs)
                .as("the agents ran every job of the load exactly once")
                .containsKeys(jobOfKey.values().toArray(String[]::new))
                .allSatisfy((job, n) -> assertThat(n).as("runs of job %s", job).isEqualTo(1));

        Map<String, String> after = awaitPlacement(agentById.keySet());
        assertThat(after)
                .as("every agent is connected again, to a surviving node")
                .hasSize(agentById.size())
                .allSatisfy((agent, node) -> assertThat(node).isIn(survivors));
        assertThat(agentById.values())
                .allSatisfy(a -> assertThat(a.process().isAlive()).isTrue());

        // The operator takes the dead node out of HAProxy's configuration: the reload keeps serving.
        cluster.haproxy()
                .reload(survivors.stream()
                        .map(n -> new Haproxy.Backend(n, cluster.node(n).port()))
                        .toList());
        assertThat(expect(200, cluster.api().get("/readyz"))
                        .body()
                        .path("status")
                        .asText())
                .isEqualTo("ready");
    }

    /**
     * Registers agents through HAProxy, each with a token of its own, and runs them (through HAProxy
     * too), all at once; returns their ids, in the order of {@code names}, once all are connected.
     */
    private List<String> enrol(List<String> names) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (String name : names) {
            tokens.add(cluster.node("hub-1").directApi().createRegistrationToken(TENANT));
        }
        List<Future<AgentProcess>> started = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < names.size(); i++) {
                AgentProcess agent = AgentProcess.of(tmp.resolve(names.get(i)), root, logs.resolve(names.get(i)));
                agents.add(agent); // closed after the class, whatever happens
                String token = tokens.get(i);
                started.add(pool.submit(() -> {
                    OsProcess.Completed registered =
                            agent.register(cluster.haproxy().url(), token);
                    assertThat(registered.exitCode()).as(registered.output()).isZero();
                    return agent.run(List.of("--machine-policy", policy.toString()));
                }));
            }
        }
        List<String> ids = new ArrayList<>();
        for (Future<AgentProcess> f : started) {
            AgentProcess agent = f.get();
            String id = Json.read(agent.stateDir().resolve("identity.json"))
                    .path("agentId")
                    .asText();
            agentById.put(id, agent);
            ids.add(id);
        }
        return ids;
    }

    /**
     * The node each agent is connected to, from the API: its newest connection, still open. Waits
     * until every agent has one (a connection is recorded shortly after it is made).
     */
    private Map<String, String> awaitPlacement(Set<String> agentIds) {
        HubApi api = cluster.nodes().values().stream()
                .filter(h -> h.process().isAlive())
                .findFirst()
                .orElseThrow()
                .directApi();
        return await("every agent of " + agentIds + " has an open connection")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            Map<String, String> placement = new TreeMap<>();
                            for (String id : agentIds) {
                                JsonNode c = newestConnection(api, id);
                                if (c != null && !c.hasNonNull("disconnectedAt")) {
                                    placement.put(id, c.path("node").asText());
                                }
                            }
                            return placement;
                        },
                        placement -> placement.size() == agentIds.size()
                                && placement.values().stream()
                                        .allMatch(n -> cluster.node(n).process().isAlive()));
    }

    private static JsonNode newestConnection(HubApi api, String agentId) {
        JsonNode connections = expect(
                        200, api.get("/api/v1/tenants/" + TENANT + "/agents/" + agentId + "/connections?limit=1"))
                .body()
                .path("connections");
        return connections.isEmpty() ? null : connections.get(0);
    }

    /** The node's {@code enginex_jobs_waiting} gauge: long polls waiting on it. */
    private static double waiting(HubProcess node) {
        String metrics = node.directApi().get("/metrics").text();
        Matcher m = WAITING.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private Path machinePolicy(Path files) throws IOException {
        return AgentProcess.machinePolicy(tmp.resolve("policy"), """
                {"version":1,
                 "roots":[{"path":"%s","mode":"write"}],
                 "tools":["fs.write","fs.read"]}
                """.formatted(files.toRealPath()));
    }
}
