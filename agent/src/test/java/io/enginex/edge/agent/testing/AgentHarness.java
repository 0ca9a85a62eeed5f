package io.enginex.edge.agent.testing;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.connection.AgentProfile;
import io.enginex.edge.agent.connection.ConnectionListener;
import io.enginex.edge.agent.connection.ConnectionOutcome;
import io.enginex.edge.agent.connection.ConnectionProblem;
import io.enginex.edge.agent.connection.ConnectionSettings;
import io.enginex.edge.agent.connection.HubConnection;
import io.enginex.edge.agent.connection.Inbound;
import io.enginex.edge.agent.connection.SessionOutbox;
import io.enginex.edge.agent.connection.TenantPolicyHandler;
import io.enginex.edge.agent.dispatch.JobRunner;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentitySource;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.tools.BuiltinTools;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Welcome;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The agent's runtime wired as {@code enginex-agent run} wires it (journal, job runner, connection),
 * running its connection loop on a thread of its own, for integration tests against a {@link FakeHub}.
 */
public final class AgentHarness implements AutoCloseable {
    public final AgentIdentity identity;
    public final AgentProfile profile;
    public final ToolRegistry tools;
    public final List<Welcome> welcomes = new CopyOnWriteArrayList<>();
    /** The hub's release notices, as the connection handed them on. */
    public final List<io.enginex.edge.protocol.ReleaseNotice> releases = new CopyOnWriteArrayList<>();
    /** The hub's starts of graphs, as the connection handed them on. */
    public final List<io.enginex.edge.protocol.GraphStart> graphStarts = new CopyOnWriteArrayList<>();
    /** What the job runner and the tests send through (pause and update state). */
    public final SessionOutbox outbox = new SessionOutbox();

    private final MessageCodec codec = new MessageCodec();
    private final JobJournal journal;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HubClient hub;
    private final JobRunner runner;
    private final HubConnection connection;
    private final CompletableFuture<ConnectionOutcome> outcome = new CompletableFuture<>();

    public AgentHarness(
            AgentIdentity identity,
            Path stateDir,
            ConnectionSettings settings,
            RandomGenerator random,
            Tool... extraTools) {
        this(identity, stateDir, settings, random, TenantPolicyHandler.NONE, extraTools);
    }

    /** @param policies receives the tenant policies the hub sends */
    public AgentHarness(
            AgentIdentity identity,
            Path stateDir,
            ConnectionSettings settings,
            RandomGenerator random,
            TenantPolicyHandler policies,
            Tool... extraTools) {
        this(identity, stateDir, settings, random, policies, welcome -> {}, extraTools);
    }

    /** @param listener also told of the connection's events (after {@link #welcomes} records a welcome) */
    public AgentHarness(
            AgentIdentity identity,
            Path stateDir,
            ConnectionSettings settings,
            RandomGenerator random,
            TenantPolicyHandler policies,
            ConnectionListener listener,
            Tool... extraTools) {
        this(() -> identity, stateDir, settings, random, policies, listener, extraTools);
    }

    /**
     * An agent that reads its identity from {@code identities} at every attempt, as {@code enginex-agent
     * run} reads {@code identity.json} (a {@link io.enginex.edge.agent.identity.CurrentIdentity}).
     */
    public AgentHarness(
            IdentitySource identities,
            Path stateDir,
            ConnectionSettings settings,
            RandomGenerator random,
            TenantPolicyHandler policies,
            ConnectionListener listener,
            Tool... extraTools) {
        this.identity = identities.get();
        Clock clock = Clock.systemUTC();
        HostInfo host = HostInfo.current();
        List<Tool> all = new ArrayList<>(BuiltinTools.create(Optional.empty(), host, clock, Instant.now()));
        all.addAll(List.of(extraTools));
        this.tools = new ToolRegistry(all);
        this.profile = AgentProfile.of(host, tools.descriptors(), null, codec.mapper());
        this.journal = JobJournal.open(stateDir, codec.mapper(), JournalLimits.DEFAULT, clock);
        this.hub = new HubClient(identity.hubs(), identity.trust(), Map.of(), Duration.ofSeconds(5), codec.mapper());
        this.runner = JobRunner.builder(journal, outbox, executor, clock)
                .tools(tools)
                .maxConcurrent(8)
                .build();
        this.connection = new HubConnection(
                hub,
                identities,
                () -> profile,
                policies,
                codec,
                new ClientAssertion(clock, new SecureRandom(), codec.mapper()),
                Inbound.of(runner::dispatch, runner::cancel)
                        .withReleases(releases::add)
                        .withGraphRunAcks(outbox::graphRunsAcked)
                        .withSessionEventAcks(outbox::sessionEventsAcked)
                        .withGraphStarts(graphStarts::add),
                outbox,
                scheduler,
                settings,
                random,
                new io.enginex.edge.agent.connection.HubRotation(
                        identity.hubs(),
                        hub::direct,
                        io.enginex.edge.agent.connection.HubRotation.Resolver.system(),
                        random),
                new ConnectionListener() {
                    @Override
                    public void connecting(io.enginex.edge.agent.transport.HubTarget target) {
                        listener.connecting(target);
                    }

                    @Override
                    public void connected(Welcome welcome) {
                        welcomes.add(welcome);
                        listener.connected(welcome);
                    }

                    @Override
                    public void disconnected(ConnectionProblem problem) {
                        listener.disconnected(problem);
                    }

                    @Override
                    public void failed(ConnectionProblem problem) {
                        listener.failed(problem);
                    }
                });
    }

    /**
     * Fast backoff (base 50 ms, cap 200 ms), a 1 s welcome timeout and the hub list read every 100 ms,
     * for tests.
     */
    public static ConnectionSettings fastSettings() {
        return new ConnectionSettings(
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofMillis(100));
    }

    public AgentHarness start() {
        Thread.ofPlatform().name("agent-loop").daemon().start(() -> {
            try {
                outcome.complete(connection.run());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        return this;
    }

    /** The hub's addresses the agent's client falls back on now (it follows a changed identity). */
    public io.enginex.edge.agent.transport.HubAddresses hubs() {
        return hub.hubs();
    }

    /** Completes when the connection loop returns. */
    public CompletableFuture<ConnectionOutcome> outcome() {
        return outcome;
    }

    @Override
    public void close() throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
        connection.stop();
        try {
            outcome.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
        executor.shutdownNow();
        scheduler.shutdownNow();
        hub.close();
        journal.close();
    }
}
