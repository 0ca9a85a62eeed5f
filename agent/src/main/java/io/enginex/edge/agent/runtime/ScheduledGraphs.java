package io.enginex.edge.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.graph.GraphScheduler;
import io.enginex.edge.agent.graph.HubGraphs;
import io.enginex.edge.agent.graph.RunListener;
import io.enginex.edge.agent.graph.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedule trigger of {@code enginex-agent run}: a thread that fires the schedules of the graphs
 * the hub assigned ({@link GraphScheduler}), connected or not. Each run opens {@link LocalGraphs} (the
 * same toolbox, sandbox, audit, vault and pause switch as jobs; the graph job journal, one run at a
 * time) for its duration, with the input {@code {"trigger":"schedule","scheduledFor":"…"}}; its run file
 * and steps are those of {@code enginex-agent graph runs}.
 *
 * <p>{@link #close} stops the thread and the run going on (it stays unfinished, for {@code graph resume}).
 */
public final class ScheduledGraphs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledGraphs.class);

    /** How long the thread sleeps at most, so a newly assigned graph is seen within it. */
    static final Duration LOOK_AGAIN = Duration.ofSeconds(30);

    private final GraphScheduler scheduler;
    private final Clock clock;
    private final ExecutorService runs = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicReference<LocalGraphs> running = new AtomicReference<>();
    private final Thread loop;
    private volatile boolean stopped;

    /**
     * Starts the thread.
     *
     * @param open opens the graph machinery for one run, with its listener
     */
    public ScheduledGraphs(
            HubGraphs graphs,
            String tenant,
            Clock clock,
            Function<RunListener, LocalGraphs> open,
            ObjectMapper mapper) {
        this.clock = clock;
        this.scheduler = new GraphScheduler(
                () -> graphs.runnable(tenant), clock, (graph, due) -> run(graph, due, open, mapper), runs);
        this.loop = Thread.ofPlatform().daemon().name("enginex-graph-schedule").start(this::loop);
    }

    private void loop() {
        while (!stopped) {
            Duration wait = LOOK_AGAIN;
            try {
                Optional<Instant> next = scheduler.tick();
                if (next.isPresent()) {
                    Duration until = Duration.between(clock.instant(), next.get());
                    wait = until.isNegative() ? Duration.ZERO : until.compareTo(LOOK_AGAIN) < 0 ? until : LOOK_AGAIN;
                }
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("checking the graph schedules failed; trying again");
            }
            try {
                Thread.sleep(wait.plusMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(
            HubGraphs.Assigned graph, Instant due, Function<RunListener, LocalGraphs> open, ObjectMapper mapper) {
        ObjectNode input = mapper.createObjectNode().put("trigger", "schedule").put("scheduledFor", due.toString());
        JsonNode document;
        try {
            document = mapper.readTree(graph.issued().document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checked graph is not JSON", e);
        }
        try (LocalGraphs local = open.apply(RunListener.NONE)) {
            running.set(local);
            if (stopped) {
                return;
            }
            RunRecord run = local.runner()
                    .run(
                            graph.graph(),
                            document,
                            input,
                            graph.issued().graphId(),
                            graph.issued().version());
            log.atInfo()
                    .addKeyValue("graph", graph.graph().name())
                    .addKeyValue("version", graph.issued().version())
                    .addKeyValue("run", run.runId())
                    .addKeyValue("status", run.status())
                    .log("scheduled graph run ended");
        } finally {
            running.set(null);
        }
    }

    @Override
    public void close() {
        stopped = true;
        loop.interrupt();
        LocalGraphs local = running.get();
        if (local != null) {
            local.close();
        }
        runs.shutdown();
    }
}
