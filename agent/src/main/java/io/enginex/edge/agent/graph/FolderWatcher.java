package io.enginex.edge.agent.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder-watch trigger: starts a graph the hub assigned when a file appears in the folder its
 * {@code watch} names (created in it, or moved into it). The folder is resolved on every {@link #tick}
 * through {@code folders} (the roots the policy in force allows; a folder outside them, or one that does
 * not exist yet, is not watched, and said once in the log), so a policy that narrows stops a watch.
 *
 * <p>Only files that appear while the watch is on start runs: files already there when it starts, and
 * folders, links and files that are gone again when the event is read, do not. Not recursive.
 *
 * <p>{@link #tick} is called from one thread; {@code launcher} is called on it (it should only queue).
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);

    /** Queues a run of {@code graph} for {@code file} (its real path). */
    @FunctionalInterface
    public interface Launcher {
        void launch(HubGraphs.Assigned graph, Path file);
    }

    private final Supplier<List<HubGraphs.Assigned>> graphs;
    private final Function<String, Path> folders;
    private final Launcher launcher;
    private final WatchService service;
    private final Map<Path, WatchKey> keys = new HashMap<>();
    private final Set<String> said = new HashSet<>();
    private volatile Map<Path, List<HubGraphs.Assigned>> watching = Map.of();

    /**
     * @param folders a watched folder as the graph writes it → its real path; throws (with the fix in
     *     its message) when the folder may not or cannot be watched
     */
    public FolderWatcher(Supplier<List<HubGraphs.Assigned>> graphs, Function<String, Path> folders, Launcher launcher) {
        this.graphs = graphs;
        this.folders = folders;
        this.launcher = launcher;
        try {
            this.service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch folders: " + e.getMessage(), e);
        }
    }

    /** The folders watched now (real paths), after the last {@link #tick}; any thread. */
    public Set<Path> watched() {
        return Set.copyOf(watching.keySet());
    }

    /**
     * Reads the graphs again (watching new folders, dropping old ones), then waits up to {@code wait}
     * for new files and launches their graphs.
     */
    public void tick(Duration wait) throws InterruptedException {
        sync();
        WatchKey key = service.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        while (key != null) {
            Path folder = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    log.atWarn()
                            .addKeyValue("folder", folder)
                            .log("too many files appeared at once in a watched folder; some started no graph run");
                    continue;
                }
                Path file = folder.resolve((Path) event.context());
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                for (HubGraphs.Assigned graph : watching.getOrDefault(folder, List.of())) {
                    launcher.launch(graph, file);
                }
            }
            key.reset();
            key = service.poll();
        }
    }

    private void sync() {
        Map<Path, List<HubGraphs.Assigned>> next = new HashMap<>();
        for (HubGraphs.Assigned graph : graphs.get()) {
            if (graph.graph().watch().isEmpty()) {
                continue;
            }
            String folder = graph.graph().watch().get();
            try {
                next.computeIfAbsent(folders.apply(folder), f -> new ArrayList<>())
                        .add(graph);
            } catch (RuntimeException e) {
                if (said.add(graph.graph().name() + " " + folder + " " + e.getMessage())) {
                    log.atWarn()
                            .addKeyValue("graph", graph.graph().name())
                            .addKeyValue("folder", folder)
                            .log("folder not watched: " + e.getMessage());
                }
            }
        }
        for (Path folder : next.keySet()) {
            if (!keys.containsKey(folder)) {
                try {
                    keys.put(folder, folder.register(service, StandardWatchEventKinds.ENTRY_CREATE));
                    log.atInfo().addKeyValue("folder", folder).log("watching a folder for graph runs");
                } catch (IOException e) {
                    log.atWarn().addKeyValue("folder", folder).log("cannot watch a folder: " + e.getMessage());
                }
            }
        }
        keys.entrySet().removeIf(e -> {
            if (next.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().cancel();
            return true;
        });
        next.keySet().retainAll(keys.keySet());
        watching = next;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            log.atDebug().log("closing the folder watch failed: " + e.getMessage());
        }
    }
}
