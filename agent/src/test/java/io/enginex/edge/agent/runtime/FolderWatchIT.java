package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.graph.HubGraphs;
import io.enginex.edge.agent.graph.RunJournal;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.tuf.TufSigner;
import io.enginex.edge.protocol.AssignedGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder-watch trigger on the real file system, with the agent's own toolbox and graph machinery:
 * a graph the hub assigned runs when a file appears in its watched folder, with the file's path as its
 * input; a graph that watches a folder outside the roots the policy allows is refused when it arrives.
 */
class FolderWatchIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path temp;

    private final TufSigner hub = TufSigner.generate();
    private Path state;
    private Path share;
    private PolicySetup.Machine machine;
    private AgentTools tools;

    @BeforeEach
    void agent() throws IOException {
        state = Files.createDirectories(temp.resolve("state"));
        share = Files.createDirectories(temp.resolve("share")).toRealPath();
        machine = PolicySetup.machine(policy(share), share, MAPPER);
        tools = new AgentTools(
                machine,
                state,
                HostInfo.current(),
                Clock.systemUTC(),
                Optional.empty(),
                PluginTools.Loaded.NONE,
                "",
                MAPPER);
    }

    @Test
    void aFileAppearingInTheWatchedFolderStartsOneRunWithItsPath() throws IOException {
        Path inbox = Files.createDirectories(share.resolve("inbox"));
        Files.writeString(inbox.resolve("old.txt"), "there before the watch");
        HubGraphs.Accepted accepted = assign(graph("inbox"));
        assertThat(accepted.refused()).isEmpty();
        RunJournal runs = new RunJournal(state.resolve("graphs").resolve("runs"), MAPPER, Clock.systemUTC());

        ScheduledGraphs triggers = new ScheduledGraphs(
                tools.graphs(),
                "acme",
                Clock.systemUTC(),
                listener -> new LocalGraphs(machine, state, PluginTools.Loaded.NONE, listener, MAPPER),
                tools::watchedFolder,
                MAPPER);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> triggers.watchedFolders().contains(inbox));
            Files.writeString(inbox.resolve("new.txt"), "hello from a new file");
            Files.createDirectories(inbox.resolve("a-folder")); // not a file: no run
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.isDirectory(runs.dir())
                            && runs.list().stream().anyMatch(RunRecord::ended));
        } finally {
            triggers.close();
        }

        assertThat(runs.list()).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo("succeeded");
            assertThat(run.graphId()).isEqualTo("gph_watch");
            assertThat(run.input().path("trigger").asText()).isEqualTo("file");
            assertThat(run.input().path("path").asText())
                    .isEqualTo(inbox.resolve("new.txt").toString());
            assertThat(run.steps().get("read").output().toString()).contains("hello from a new file");
        });
    }

    @Test
    void aGraphWatchingAFolderOutsideTheAllowedRootsIsRefusedWhenItArrives() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside")).toRealPath();

        HubGraphs.Accepted absolute = assign(graph(outside.toString()));
        HubGraphs.Accepted climbing = assign(graph("../outside"));

        for (HubGraphs.Accepted accepted : List.of(absolute, climbing)) {
            assertThat(accepted.kept()).isEmpty();
            assertThat(accepted.refused())
                    .singleElement()
                    .asString()
                    .contains("watcher is not a valid graph")
                    .contains("the folder to watch")
                    .contains("is not inside the folders the policy allows")
                    .contains("watch a folder inside [" + share + "]");
        }
        assertThat(tools.graphs().runnable("acme")).isEmpty();
        assertThat(state.resolve("graphs/assigned/watcher.json")).doesNotExist();
    }

    @Test
    void aWatchedFolderThatDoesNotExistYetIsAcceptedAndWaitedFor() {
        HubGraphs.Accepted accepted = assign(graph("later"));

        assertThat(accepted.refused()).isEmpty();
        assertThat(accepted.kept())
                .singleElement()
                .satisfies(a -> assertThat(a.graph().watch()).contains("later"));
    }

    private HubGraphs.Accepted assign(String document) {
        var issued = new GraphEnvelope.Issued(
                "acme", "gph_watch", "watcher", 1, "tenant", document, GraphEnvelope.sha256(document));
        return tools.graphs()
                .accept(
                        "acme",
                        new AssignedGraphs(
                                hub.key().publicHex(), List.of(GraphEnvelope.sign(issued, Instant.now(), hub))));
    }

    private static String graph(String folder) {
        return """
                {"version":1,"name":"watcher","watch":{"folder":"%s"},
                 "steps":[{"id":"read","tool":"fs.read","args":{"path":"${input.path}"}}]}""".formatted(folder);
    }

    private Path policy(Path root) throws IOException {
        Path file = temp.resolve("policy.json");
        Files.writeString(file, """
                {"version":1,"roots":[{"path":"%s","mode":"read"}],"tools":["fs.read"]}
                """.formatted(root));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
