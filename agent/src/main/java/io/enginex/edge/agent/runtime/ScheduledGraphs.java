package io.enginex.edge.agent.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.graph.FolderWatcher;
import io.enginex.edge.agent.graph.GraphScheduler;
import io.enginex.edge.agent.graph.HubGraphs;
import io.enginex.edge.agent.graph.RunListener;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.common.graph.GraphFormat;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The triggers of {@code enginex-agent run} for the graphs the hub assigned, connected or not: a thread
 * that fires their schedules ({@link GraphScheduler}), with the input {@code
 * {"trigger":"schedule","scheduledFor":"…"}}, and one that watches their folders ({@link FolderWatcher}),
 * with {@code {"trigger":"file","path":"<the new file's real path>"}}. Runs go one at a time on one
 * thread (a run for a new file waits its turn; a scheduled time that comes while a scheduled run goes on
 * is skipped). Each run opens {@link LocalGraphs} (the same toolbox, sandbox, audit, vault and pause
 * switch as jobs; the graph job journal) for its duration; its run file and steps are those of {@code
 * enginex-agent graph runs}.
 *
 * <p>Before the first schedule fires, the thread resumes the unfinished runs of the hub's graphs that a
 * stopped or killed agent left ({@link io.enginex.edge.agent.graph.GraphRunner#resume}: a completed step
 * never runs again, a non-idempotent step in flight is marked {@code interrupted}), oldest first, one at
 * a time, so they end and are uploaded. Runs of a graph file ({@code graph run FILE}) are left for
 * {@code graph resume}.
 *
 * <p>{@link #close} stops the threads and the run going on (it stays unfinished, resumed at the next
 * start); runs queued for new files are dropped.
 */
public final class ScheduledGraphs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduledGraphs.class);

    /** How long the thread sleeps at most (it is also woken when the hub assigns graphs, {@link #wake}). */
    static final Duration LOOK_AGAIN = Duration.ofSeconds(30);

    /** How long the watch thread waits for a new file before it reads the graphs again. */
    static final Duration WATCH_WAIT = Duration.ofSeconds(1);

    private final GraphScheduler scheduler;
    private final Clock clock;
    /** One run at a time (each takes the graph job journal): a run for a new file waits its turn. */
    private final ExecutorService runs = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("enginex-graph-run").factory());

    private final AtomicReference<LocalGraphs> running = new AtomicReference<>();
    private final Function<RunListener, LocalGraphs> open;
    private final GraphFormat format;
    private final HubGraphs graphs;
    private final String tenant;
    private final ObjectMapper mapper;
    private final Thread loop;
    private final FolderWatcher watcher;
    private final Thread watch;
    private volatile boolean stopped;
    /** The ids of the hub's starts received since the agent started. */
    private final java.util.Set<String> hubStarts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Starts the threads (no graph watches a folder).
     *
     * @param open opens the graph machinery for one run, with its listener
     */
    public ScheduledGraphs(
            HubGraphs graphs,
            String tenant,
            Clock clock,
            Function<RunListener, LocalGraphs> open,
            ObjectMapper mapper) {
        this(
                graphs,
                tenant,
                clock,
                open,
                folder -> {
                    throw new IllegalArgumentException("this agent watches no folder");
                },
                mapper);
    }

    /**
     * Starts the threads.
     *
     * @param open opens the graph machinery for one run, with its listener
     * @param folders a graph's watched folder as written → its real path inside the allowed roots (throws
     *     naming the fix otherwise)
     */
    public ScheduledGraphs(
            HubGraphs graphs,
            String tenant,
            Clock clock,
            Function<RunListener, LocalGraphs> open,
            Function<String, Path> folders,
            ObjectMapper mapper) {
        this.clock = clock;
        this.open = open;
        this.format = new GraphFormat(mapper);
        this.graphs = graphs;
        this.tenant = tenant;
        this.mapper = mapper;
        this.scheduler = new GraphScheduler(
                () -> graphs.runnable(tenant),
                clock,
                (graph, due) -> run(
                        graph,
                        mapper.createObjectNode().put("trigger", "schedule").put("scheduledFor", due.toString()),
                        mapper),
                runs);
        this.watcher =
                new FolderWatcher(() -> graphs.runnable(tenant), folders, (graph, file) -> queue(graph, file, mapper));
        this.loop = Thread.ofPlatform().daemon().name("enginex-graph-schedule").start(this::loop);
        this.watch = Thread.ofPlatform().daemon().name("enginex-graph-watch").start(this::watchLoop);
    }

    /**
     * Queues a run of the assigned graph named {@code name}, for a person ({@code POST /api/graph-runs}
     * of the status page, {@code enginex-agent graph start}), with the input {@code
     * {"trigger":"manual","by":"…"}}.
     *
     * @return empty when queued, else why not
     */
    public Optional<String> start(String name, String by) {
        return queue(
                name, null, mapper.createObjectNode().put("trigger", "manual").put("by", by), by, "by hand");
    }

    /**
     * The names of the assigned graphs a person may start ({@link #start(String, String)}), sorted: every graph
     * the hub assigned whose stored copy checks (the format has no graph that refuses a manual start).
     */
    public java.util.List<String> startable() {
        return graphs.runnable(tenant).stream()
                .map(g -> g.graph().name())
                .sorted()
                .distinct()
                .toList();
    }

    /**
     * Queues a run of the assigned graph a {@code graphStart} frame names, started by a person on the hub:
     * the frame's input with {@code "trigger":"hub"}, its {@code startId} and {@code by} (they replace
     * fields of those names), so the run, once uploaded, is found by the start's id. The frame's graph id
     * must be the assigned graph's (default deny: a name alone is not enough). A start runs once: one whose
     * id this agent received before is refused, and one whose run is in the run journal (received again after
     * a restart) is skipped when its turn comes.
     *
     * @return empty when queued, else why not
     */
    public Optional<String> start(io.enginex.edge.protocol.GraphStart frame) {
        if (!hubStarts.add(frame.startId())) {
            return Optional.of("start " + frame.startId() + " was received already; a start from the hub runs once");
        }
        ObjectNode input = mapper.createObjectNode();
        input.setAll((ObjectNode) frame.input());
        input.put("trigger", "hub").put("startId", frame.startId()).put("by", frame.by());
        Optional<String> refused = queue(frame.graph(), frame.graphId(), input, frame.by(), "from the hub");
        refused.ifPresent(reason -> hubStarts.remove(frame.startId()));
        return refused;
    }

    /**
     * Applies the hub's decision on a step that waits for approval, on the run thread (behind the run
     * going on, so a run is never driven twice at once): journals it ({@link
     * io.enginex.edge.agent.graph.HubApprovals#apply}), calls {@code answer} with what became of it, then, if
     * it was applied now, resumes the run (the approved step runs, or the denied one fails).
     *
     * @return false when the agent is stopping (nothing is done; the hub sends the decision again)
     */
    public boolean decide(
            io.enginex.edge.protocol.GraphDecision decision,
            java.util.function.Consumer<io.enginex.edge.agent.graph.HubApprovals.Applied> answer) {
        return onRunThread(
                decision.runId(),
                decision.step(),
                "the hub's decision",
                approvals -> approvals.apply(decision, running.get().runner(), this::assigned),
                answer);
    }

    /**
     * Applies a decision of the person at the machine ({@code graph decide} or the status page while the agent
     * runs) on the run thread, like a hub's ({@link #decide(io.enginex.edge.protocol.GraphDecision,
     * java.util.function.Consumer)}); the first decision, hub or local, wins. The caller checks the policy.
     *
     * @return what became of it, once journalled (and before the run goes on); failed when the agent is
     *     stopping
     */
    public java.util.concurrent.CompletableFuture<io.enginex.edge.agent.graph.HubApprovals.Applied> decideLocally(
            String runId, String step, io.enginex.edge.agent.graph.StepApprovals.Decision decision) {
        var result = new java.util.concurrent.CompletableFuture<io.enginex.edge.agent.graph.HubApprovals.Applied>();
        boolean queued = onRunThread(
                runId,
                step,
                "a decision at the machine",
                approvals -> approvals.applyLocal(
                        runId, step, decision, running.get().runner(), this::assigned),
                result::complete);
        if (!queued) {
            result.completeExceptionally(new IllegalStateException("the agent is stopping; decide again once it runs"));
        }
        return result;
    }

    private boolean onRunThread(
            String runId,
            String step,
            String what,
            Function<io.enginex.edge.agent.graph.HubApprovals, io.enginex.edge.agent.graph.HubApprovals.Applied> apply,
            java.util.function.Consumer<io.enginex.edge.agent.graph.HubApprovals.Applied> answer) {
        try {
            runs.execute(() -> {
                try (LocalGraphs local = open.apply(RunListener.NONE)) {
                    running.set(local);
                    if (stopped) {
                        return;
                    }
                    var applied = apply.apply(new io.enginex.edge.agent.graph.HubApprovals(local.runs(), format));
                    log.atInfo()
                            .addKeyValue("run", runId)
                            .addKeyValue("step", step)
                            .addKeyValue("outcome", applied.outcome())
                            .log(what + " on a graph step: " + applied.message());
                    answer.accept(applied);
                    if (applied.resume()) {
                        RunRecord run = local.runner().resume(runId, format);
                        log.atInfo()
                                .addKeyValue("graph", run.graphName())
                                .addKeyValue("run", run.runId())
                                .addKeyValue("status", run.status())
                                .log("graph run went on after " + what);
                    }
                } catch (RuntimeException e) {
                    log.atError()
                            .setCause(e)
                            .addKeyValue("run", runId)
                            .log("applying " + what + " on a graph step failed; it can be given again");
                } finally {
                    running.set(null);
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private boolean assigned(String graphId) {
        return graphs.runnable(tenant).stream()
                .anyMatch(g -> g.issued().graphId().equals(graphId));
    }

    private Optional<String> queue(String name, String graphId, ObjectNode input, String by, String how) {
        Optional<HubGraphs.Assigned> graph = graphs.runnable(tenant).stream()
                .filter(g -> g.graph().name().equals(name))
                .filter(g -> graphId == null || g.issued().graphId().equals(graphId))
                .findFirst();
        if (graph.isEmpty()) {
            return Optional.of("no graph named \"" + name + "\"" + (graphId == null ? "" : " (" + graphId + ")")
                    + " is assigned to this agent (or its stored copy failed its checks; see the log); the hub's"
                    + " graphs: engine graphs list --tenant T");
        }
        log.atInfo()
                .addKeyValue("graph", name)
                .addKeyValue("by", by)
                .addKeyValue("trigger", input.path("trigger").asText())
                .log("graph run started " + how + "; queued");
        try {
            runs.execute(() -> {
                try {
                    run(graph.get(), input, mapper);
                } catch (RuntimeException e) {
                    log.atError()
                            .setCause(e)
                            .addKeyValue("graph", name)
                            .log("graph run started " + how + " failed to start");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return Optional.of("the agent is stopping; start the graph again once it runs");
        }
        return Optional.empty();
    }

    /** The folders watched now (real paths). */
    java.util.Set<Path> watchedFolders() {
        return watcher.watched();
    }

    private void watchLoop() {
        while (!stopped) {
            try {
                watcher.tick(WATCH_WAIT);
            } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("watching folders for graph runs failed; trying again");
                try {
                    Thread.sleep(WATCH_WAIT);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void queue(HubGraphs.Assigned graph, Path file, ObjectMapper mapper) {
        log.atInfo()
                .addKeyValue("graph", graph.graph().name())
                .addKeyValue("file", file)
                .log("a file appeared in a watched folder; graph run queued");
        try {
            runs.execute(() -> {
                try {
                    run(graph, mapper.createObjectNode().put("trigger", "file").put("path", file.toString()), mapper);
                } catch (RuntimeException e) {
                    log.atError()
                            .setCause(e)
                            .addKeyValue("graph", graph.graph().name())
                            .log("graph run for a new file failed to start");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.atWarn().addKeyValue("file", file).log("the agent is stopping; no graph run for the new file");
        }
    }

    private void loop() {
        try {
            // The schedules' first times count from the start, not from the end of the resumed runs: the
            // first tick only notes them (it fires nothing), so a time that passes while they run fires next.
            scheduler.tick();
            runs.submit(this::resumeUnfinished).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | RuntimeException e) {
            log.atError().setCause(e).log("resuming unfinished graph runs failed; going on with schedules");
        }
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
            // Until the next time is due, or the hub assigns graphs ({@link #wake}), or close interrupts.
            LockSupport.parkNanos(wait.plusMillis(1).toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /**
     * The hub assigned graphs (a new one, a new version, one withdrawn): reads the schedules again now,
     * so a new graph's first time is not up to {@link #LOOK_AGAIN} late.
     */
    public void wake() {
        LockSupport.unpark(loop);
    }

    private void resumeUnfinished() {
        try (LocalGraphs local = open.apply(RunListener.NONE)) {
            running.set(local);
            for (RunRecord unfinished : local.runs().list()) {
                if (stopped) {
                    return;
                }
                if (unfinished.ended() || unfinished.graphId() == null) {
                    continue;
                }
                log.atInfo()
                        .addKeyValue("graph", unfinished.graphName())
                        .addKeyValue("run", unfinished.runId())
                        .log("resuming a graph run the agent left unfinished");
                try {
                    RunRecord run = local.runner().resume(unfinished.runId(), format);
                    log.atInfo()
                            .addKeyValue("graph", run.graphName())
                            .addKeyValue("run", run.runId())
                            .addKeyValue("status", run.status())
                            .log("resumed graph run ended");
                } catch (RuntimeException e) {
                    log.atError()
                            .setCause(e)
                            .addKeyValue("run", unfinished.runId())
                            .log("resuming a graph run failed; it stays unfinished for enginex-agent graph resume");
                }
            }
        } finally {
            running.set(null);
        }
    }

    private void run(HubGraphs.Assigned graph, ObjectNode input, ObjectMapper mapper) {
        JsonNode document;
        try {
            document = mapper.readTree(graph.issued().document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checked graph is not JSON", e);
        }
        try (LocalGraphs local = open.apply(RunListener.NONE)) {
            running.set(local);
            if (stopped || ranAlready(local, input)) {
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
                    .addKeyValue("trigger", input.path("trigger").asText())
                    .log("graph run ended");
        } finally {
            running.set(null);
        }
    }

    /** Whether {@code input} is a start from the hub that a run in the journal was made for already. */
    private static boolean ranAlready(LocalGraphs local, ObjectNode input) {
        if (!input.path("trigger").asText().equals("hub")) {
            return false;
        }
        String startId = input.path("startId").asText();
        boolean ran = local.runs().list().stream()
                .anyMatch(r -> r.input() != null
                        && startId.equals(r.input().path("startId").asText(null)));
        if (ran) {
            log.atInfo()
                    .addKeyValue("startId", startId)
                    .log("a start from the hub that already has a run was received again; not run twice");
        }
        return ran;
    }

    @Override
    public void close() {
        stopped = true;
        loop.interrupt();
        watch.interrupt();
        watcher.close();
        LocalGraphs local = running.get();
        if (local != null) {
            local.close();
        }
        runs.shutdown();
    }
}
