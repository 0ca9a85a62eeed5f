package io.enginex.edge.agent.graph;

import io.enginex.edge.common.graph.Schedule;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the schedules of the graphs the hub assigned ({@link HubGraphs#runnable}), with or without a
 * connection to the hub. Each {@link #tick} reads the graphs again, fires every graph whose next time
 * has come, and says when the next one is due; the caller sleeps until then (or less, to see new
 * assignments).
 *
 * <p>Rules: a graph's first time is the first after the moment it is first seen (or after its
 * version or schedule changed), so starting the agent never fires a run that was due while it was
 * off; several times missed while the machine slept fire one run, not one per time. Runs go one at a
 * time (the graph job journal takes one run at a time): a time that comes while a run goes on is
 * skipped and logged.
 *
 * <p>{@link #tick} is called from one thread; runs go to {@code runs}.
 */
public final class GraphScheduler {
    private static final Logger log = LoggerFactory.getLogger(GraphScheduler.class);

    /** Runs one graph, on a thread of {@code runs}; returns when the run ended. */
    @FunctionalInterface
    public interface Launcher {
        void launch(HubGraphs.Assigned graph, Instant due);
    }

    private record Due(String version, Instant at) {}

    private final Supplier<List<HubGraphs.Assigned>> graphs;
    private final Clock clock;
    private final Launcher launcher;
    private final Executor runs;
    private final Map<String, Due> due = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();

    public GraphScheduler(Supplier<List<HubGraphs.Assigned>> graphs, Clock clock, Launcher launcher, Executor runs) {
        this.graphs = graphs;
        this.clock = clock;
        this.launcher = launcher;
        this.runs = runs;
    }

    /**
     * Fires what is due now.
     *
     * @return when the next scheduled graph is due, or empty when none is scheduled
     */
    public Optional<Instant> tick() {
        Instant now = clock.instant();
        Set<String> seen = new HashSet<>();
        for (HubGraphs.Assigned graph : graphs.get()) {
            Optional<Schedule> schedule = graph.graph().schedule();
            if (schedule.isEmpty()) {
                continue;
            }
            String key = graph.issued().graphId();
            String version = graph.issued().version() + " " + schedule.get();
            seen.add(key);
            Due current = due.get(key);
            if (current == null || !current.version().equals(version)) {
                schedule.get().next(now).ifPresent(at -> due.put(key, new Due(version, at)));
                continue;
            }
            if (now.isBefore(current.at())) {
                continue;
            }
            fire(graph, current.at());
            schedule.get().next(now).ifPresentOrElse(at -> due.put(key, new Due(version, at)), () -> due.remove(key));
        }
        due.keySet().retainAll(seen);
        return due.values().stream().map(Due::at).min(Instant::compareTo);
    }

    private void fire(HubGraphs.Assigned graph, Instant at) {
        if (!running.compareAndSet(false, true)) {
            log.atWarn()
                    .addKeyValue("graph", graph.graph().name())
                    .addKeyValue("due", at)
                    .log("scheduled run skipped: another graph run is still going on");
            return;
        }
        log.atInfo()
                .addKeyValue("graph", graph.graph().name())
                .addKeyValue("version", graph.issued().version())
                .addKeyValue("due", at)
                .log("scheduled graph run starts");
        try {
            runs.execute(() -> {
                try {
                    launcher.launch(graph, at);
                } catch (RuntimeException e) {
                    log.atError()
                            .setCause(e)
                            .addKeyValue("graph", graph.graph().name())
                            .log("scheduled graph run failed to start");
                } finally {
                    running.set(false);
                }
            });
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }
}
