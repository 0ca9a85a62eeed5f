package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.StateFiles;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.graph.GraphException;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.graph.GraphSignatureException;
import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.protocol.AssignedGraphs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graphs the hub assigned to this agent, kept in {@code <state-dir>/graphs/assigned/NAME.json}
 * as the hub's signed envelopes, so they stay runnable offline.
 *
 * <p>Trust: the hub's graph key is pinned ({@code graphs/hub-graph-key}) the first time a hub sends
 * one, over the agent's authenticated connection; a different key later is refused (every graph it
 * signs too) until the agent is enrolled again. Each envelope must carry a valid signature of the
 * pinned key, name this agent's tenant, hash to its document, and hold a graph the format accepts;
 * and, for a graph that watches a folder, have the folder inside the roots the policy allows; one that
 * does not is refused and not stored. {@link #runnable} checks every stored file again, so a
 * file changed on disk is never run.
 *
 * <p>Thread-safe: {@link #accept} runs one at a time.
 */
public final class HubGraphs {
    private static final Logger log = LoggerFactory.getLogger(HubGraphs.class);

    private final Path dir;
    private final Path keyFile;
    private final ObjectMapper mapper;
    private final GraphFormat format;
    private final Consumer<Graph> machineCheck;
    private final ReentrantLock lock = new ReentrantLock();

    public HubGraphs(Path stateDir, ObjectMapper mapper, GraphFormat format) {
        this(stateDir, mapper, format, graph -> {});
    }

    /**
     * @param machineCheck checks what a graph asks of this machine (its watched folder inside the roots the
     *     policy allows), throwing {@link GraphException} naming the fix; run on every graph received and
     *     every stored graph read
     */
    public HubGraphs(Path stateDir, ObjectMapper mapper, GraphFormat format, Consumer<Graph> machineCheck) {
        this.dir = stateDir.resolve("graphs").resolve("assigned");
        this.keyFile = stateDir.resolve("graphs").resolve("hub-graph-key");
        this.mapper = mapper;
        this.format = format;
        this.machineCheck = machineCheck;
    }

    /** A stored graph that passed every check: what the hub signed and the graph it holds. */
    public record Assigned(GraphEnvelope.Issued issued, Graph graph) {}

    /**
     * What {@link #accept} did.
     *
     * @param kept the graphs stored now
     * @param refused one line per envelope refused (or for the whole list, when the key is not the pinned one)
     */
    public record Accepted(List<Assigned> kept, List<String> refused) {}

    /**
     * Replaces the stored graphs with the valid ones of {@code graphs}. When the hub's key is not the
     * pinned one, nothing changes and every graph is refused.
     *
     * @param tenant this agent's tenant
     */
    public Accepted accept(String tenant, AssignedGraphs graphs) {
        lock.lock();
        try {
            Optional<TufKey> pinned = pinnedKey();
            TufKey key;
            try {
                key = TufKey.fromHex(graphs.key());
            } catch (TufException e) {
                return refusedAll("the hub's graph key is not usable: " + e.getMessage());
            }
            if (pinned.isPresent() && !pinned.get().keyId().equals(key.keyId())) {
                return refusedAll("the hub signs graphs with key " + key.keyId() + ", but this agent trusts "
                        + pinned.get().keyId() + " (pinned in " + keyFile
                        + "); graphs are refused until the agent is enrolled again");
            }
            if (pinned.isEmpty()) {
                Files.createDirectories(keyFile.getParent());
                StateFiles.replaceOwnerOnly(keyFile, graphs.key().getBytes(StandardCharsets.US_ASCII));
            }
            List<Assigned> kept = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Files.createDirectories(dir);
            for (JsonNode envelope : graphs.signed()) {
                try {
                    Assigned a = check(envelope, key, tenant);
                    StateFiles.replaceOwnerOnly(file(a.graph().name()), mapper.writeValueAsBytes(envelope));
                    kept.add(a);
                    names.add(a.graph().name());
                } catch (GraphSignatureException | GraphException e) {
                    refused.add(e.getMessage());
                    log.atWarn().log("refused a graph from the hub: " + e.getMessage());
                }
            }
            for (Path stored : storedFiles()) {
                if (!names.contains(nameOf(stored))) {
                    Files.deleteIfExists(stored);
                }
            }
            log.atInfo()
                    .addKeyValue("kept", kept.size())
                    .addKeyValue("refused", refused.size())
                    .log("graphs assigned by the hub stored");
            return new Accepted(kept, refused);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the graphs the hub assigned in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The stored graphs that pass every check now, by name; a stored file that does not (changed on
     * disk, or the key is not pinned) is left out and logged.
     */
    public List<Assigned> runnable(String tenant) {
        Optional<TufKey> key = pinnedKey();
        if (key.isEmpty()) {
            return List.of();
        }
        List<Assigned> out = new ArrayList<>();
        for (Path stored : storedFiles()) {
            try {
                out.add(check(mapper.readTree(stored.toFile()), key.get(), tenant));
            } catch (GraphSignatureException | GraphException | IOException e) {
                log.atWarn().addKeyValue("file", stored).log("a stored graph is not run: " + e.getMessage());
            }
        }
        out.sort(java.util.Comparator.comparing(a -> a.graph().name()));
        return out;
    }

    private Assigned check(JsonNode envelope, TufKey key, String tenant) {
        GraphEnvelope.Issued issued = GraphEnvelope.verify(envelope, key, tenant);
        Graph graph = format.parse(issued.document(), issued.name() + "@" + issued.version());
        if (!graph.name().equals(issued.name())) {
            throw new GraphSignatureException(
                    "graph " + issued.name() + ": its document is named " + graph.name() + "; refused");
        }
        machineCheck.accept(graph);
        return new Assigned(issued, graph);
    }

    private Accepted refusedAll(String reason) {
        log.atError().log(reason);
        return new Accepted(List.of(), List.of(reason));
    }

    private Optional<TufKey> pinnedKey() {
        try {
            if (!Files.exists(keyFile)) {
                return Optional.empty();
            }
            return Optional.of(TufKey.fromHex(
                    Files.readString(keyFile, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | TufException e) {
            log.atError().addKeyValue("file", keyFile).log("the pinned hub graph key is unreadable: " + e.getMessage());
            throw new GraphSignatureException("the pinned hub graph key " + keyFile + " is unreadable; enrol again");
        }
    }

    private List<Path> storedFiles() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.json")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return files;
    }

    private Path file(String name) {
        // Graph names are [A-Za-z0-9][A-Za-z0-9._-]{0,63} (the schema), so they are safe file names.
        return dir.resolve(name + ".json");
    }

    private static String nameOf(Path file) {
        String f = file.getFileName().toString();
        return f.substring(0, f.length() - ".json".length());
    }
}
