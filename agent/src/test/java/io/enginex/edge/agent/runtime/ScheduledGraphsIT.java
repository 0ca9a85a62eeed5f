package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.graph.HubGraphs;
import io.enginex.edge.agent.graph.RunJournal;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.tuf.TufSigner;
import io.enginex.edge.protocol.AssignedGraphs;
import io.enginex.edge.protocol.GraphStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schedule trigger with the real graph machinery and no hub: a graph the hub assigned (signed)
 * with a schedule runs by itself under the machine policy, and its run is journaled as any other.
 */
class ScheduledGraphsIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void anAssignedGraphRunsAtItsScheduledTimeWithoutAHub() throws IOException {
        Path state = Files.createDirectories(temp.resolve("state"));
        Path share = Files.createDirectories(temp.resolve("share"));
        Files.writeString(share.resolve("report.txt"), "x");
        String document = """
                {"version":1,"name":"minutely","schedule":{"cron":"* * * * *"},
                 "steps":[{"id":"list","tool":"fs.list","args":{"path":"."}}]}""";
        HubGraphs graphs = new HubGraphs(state, MAPPER, new GraphFormat(MAPPER));
        assign(graphs, "gph_1", "minutely", 1, document);
        // Half a second before a minute starts, so the first scheduled time comes at once.
        long toMinute = 60_000 - Instant.now().toEpochMilli() % 60_000;
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMillis(toMinute - 500));
        PolicySetup.Machine machine = PolicySetup.machine(policy(share), share, MAPPER);
        RunJournal runs = new RunJournal(state.resolve("graphs").resolve("runs"), MAPPER, Clock.systemUTC());

        ScheduledGraphs scheduled = new ScheduledGraphs(
                graphs,
                "acme",
                clock,
                listener -> new LocalGraphs(machine, state, PluginTools.Loaded.NONE, listener, MAPPER),
                MAPPER);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.isDirectory(runs.dir())
                            && runs.list().stream().anyMatch(RunRecord::ended));
        } finally {
            scheduled.close();
        }

        RunRecord run = runs.list().get(0);
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.graphName()).isEqualTo("minutely");
        // the run file records the hub's graph id and version, for the upload
        assertThat(run.graphId()).isEqualTo("gph_1");
        assertThat(run.graphVersion()).isEqualTo(1);
        assertThat(run.input().path("trigger").asText()).isEqualTo("schedule");
        assertThat(run.steps().get("list").output().toString()).contains("report.txt");
    }

    /**
     * A graph the hub assigns while the agent runs is scheduled at once when the agent is woken, not
     * after the scheduler's look-again interval (30 s; the wait below is shorter).
     */
    @Test
    void aGraphAssignedWhileRunningFiresAtItsFirstTimeOnceWoken() throws IOException {
        Path state = Files.createDirectories(temp.resolve("state"));
        Path share = Files.createDirectories(temp.resolve("share"));
        HubGraphs graphs = new HubGraphs(state, MAPPER, new GraphFormat(MAPPER));
        PolicySetup.Machine machine = PolicySetup.machine(policy(share), share, MAPPER);
        RunJournal runs = new RunJournal(state.resolve("graphs").resolve("runs"), MAPPER, Clock.systemUTC());
        ScheduledGraphs scheduled = new ScheduledGraphs(
                graphs,
                "acme",
                Clock.systemUTC(),
                listener -> new LocalGraphs(machine, state, PluginTools.Loaded.NONE, listener, MAPPER),
                MAPPER);
        try {
            String document = """
                    {"version":1,"name":"every-second","schedule":{"cron":"* * * * * *"},
                     "steps":[{"id":"list","tool":"fs.list","args":{"path":"."}}]}""";
            assign(graphs, "gph_2", "every-second", 1, document);
            scheduled.wake();

            await().atMost(ScheduledGraphs.LOOK_AGAIN.dividedBy(2))
                    .until(() -> Files.isDirectory(runs.dir())
                            && runs.list().stream().anyMatch(RunRecord::ended));
        } finally {
            scheduled.close();
        }
        assertThat(runs.list().get(0).graphName()).isEqualTo("every-second");
    }

    @Test
    void aPersonStartsAnAssignedGraphByNameWithoutAHub() throws IOException {
        Path state = Files.createDirectories(temp.resolve("state"));
        Path share = Files.createDirectories(temp.resolve("share"));
        Files.writeString(share.resolve("report.txt"), "x");
        String document = """
                {"version":1,"name":"by-hand","steps":[{"id":"list","tool":"fs.list","args":{"path":"."}}]}""";
        HubGraphs graphs = new HubGraphs(state, MAPPER, new GraphFormat(MAPPER));
        assign(graphs, "gph_2", "by-hand", 3, document);
        PolicySetup.Machine machine = PolicySetup.machine(policy(share), share, MAPPER);
        RunJournal runs = new RunJournal(state.resolve("graphs").resolve("runs"), MAPPER, Clock.systemUTC());

        ScheduledGraphs triggers = new ScheduledGraphs(
                graphs,
                "acme",
                Clock.systemUTC(),
                listener -> new LocalGraphs(machine, state, PluginTools.Loaded.NONE, listener, MAPPER),
                MAPPER);
        try {
            assertThat(triggers.start("nope", "alice"))
                    .hasValueSatisfying(
                            reason -> assertThat(reason).contains("no graph named \"nope\" is assigned to this agent"));
            assertThat(triggers.start("by-hand", "alice")).isEmpty();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.isDirectory(runs.dir())
                            && runs.list().stream().anyMatch(RunRecord::ended));
        } finally {
            triggers.close();
        }

        assertThat(runs.list()).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo("succeeded");
            assertThat(run.graphId()).isEqualTo("gph_2");
            assertThat(run.graphVersion()).isEqualTo(3);
            assertThat(run.input().path("trigger").asText()).isEqualTo("manual");
            assertThat(run.input().path("by").asText()).isEqualTo("alice");
        });
    }

    @Test
    void aStartFromTheHubRunsTheAssignedGraphWithTriggerHubItsInputAndStartId() throws IOException {
        Path state = Files.createDirectories(temp.resolve("state"));
        Path share = Files.createDirectories(temp.resolve("share"));
        Files.writeString(share.resolve("report.txt"), "x");
        String document = """
                {"version":1,"name":"nightly","steps":[{"id":"list","tool":"fs.list","args":{"path":"${input.folder}"}}]}""";
        HubGraphs graphs = new HubGraphs(state, MAPPER, new GraphFormat(MAPPER));
        assign(graphs, "gph_7", "nightly", 2, document);
        PolicySetup.Machine machine = PolicySetup.machine(policy(share), share, MAPPER);
        RunJournal runs = new RunJournal(state.resolve("graphs").resolve("runs"), MAPPER, Clock.systemUTC());
        var input = MAPPER.createObjectNode().put("folder", ".").put("trigger", "forged");

        ScheduledGraphs triggers = new ScheduledGraphs(
                graphs,
                "acme",
                Clock.systemUTC(),
                listener -> new LocalGraphs(machine, state, PluginTools.Loaded.NONE, listener, MAPPER),
                MAPPER);
        try {
            assertThat(triggers.start(new GraphStart("h-1", "gst_1", "gph_other", "nightly", input, "alice")))
                    .as("the name alone is not enough: the hub's graph id must be the assigned one")
                    .hasValueSatisfying(reason -> assertThat(reason).contains("nightly", "gph_other"));
            assertThat(triggers.start(new GraphStart("h-2", "gst_2", "gph_7", "nightly", input, "alice")))
                    .isEmpty();
            assertThat(triggers.start(new GraphStart("h-3", "gst_2", "gph_7", "nightly", input, "alice")))
                    .as("a start received twice runs once")
                    .hasValueSatisfying(reason -> assertThat(reason).contains("gst_2", "once"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.isDirectory(runs.dir())
                            && runs.list().stream().anyMatch(RunRecord::ended));
        } finally {
            triggers.close();
        }
        // After a restart the agent knows the start by its run: received again, it is skipped.
        ScheduledGraphs restarted = new ScheduledGraphs(
                graphs,
                "acme",
                Clock.systemUTC(),
                listener -> new LocalGraphs(machine, state, PluginTools.Loaded.NONE, listener, MAPPER),
                MAPPER);
        try {
            assertThat(restarted.start(new GraphStart("h-4", "gst_2", "gph_7", "nightly", input, "alice")))
                    .isEmpty();
            assertThat(restarted.start(new GraphStart("h-5", "gst_3", "gph_7", "nightly", input, "alice")))
                    .isEmpty();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> runs.list().stream().filter(RunRecord::ended).count() == 2);
        } finally {
            restarted.close();
        }
        assertThat(runs.list())
                .extracting(r -> r.input().path("startId").asText())
                .containsExactlyInAnyOrder("gst_2", "gst_3");

        assertThat(runs.list())
                .filteredOn(r -> r.input().path("startId").asText().equals("gst_2"))
                .singleElement()
                .satisfies(run -> {
                    assertThat(run.status()).isEqualTo("succeeded");
                    assertThat(run.graphId()).isEqualTo("gph_7");
                    assertThat(run.graphVersion()).isEqualTo(2);
                    assertThat(run.input().path("trigger").asText()).isEqualTo("hub");
                    assertThat(run.input().path("startId").asText()).isEqualTo("gst_2");
                    assertThat(run.input().path("by").asText()).isEqualTo("alice");
                    assertThat(run.input().path("folder").asText()).isEqualTo(".");
                });
    }

    private Path policy(Path share) throws IOException {
        Path file = temp.resolve("policy.json");
        Files.writeString(file, """
                {"version":1,"roots":[{"path":"%s","mode":"read"}],"tools":["fs.list"]}
                """.formatted(share.toRealPath()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Stores {@code document} in {@code graphs} as version {@code version} of graph {@code id}, signed as the hub does. */
    static void assign(HubGraphs graphs, String id, String name, int version, String document) {
        TufSigner hub = TufSigner.generate();
        var issued =
                new GraphEnvelope.Issued("acme", id, name, version, "tenant", document, GraphEnvelope.sha256(document));
        graphs.accept(
                "acme",
                new AssignedGraphs(hub.key().publicHex(), List.of(GraphEnvelope.sign(issued, Instant.now(), hub))));
    }
}
