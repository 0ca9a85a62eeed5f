package io.enginex.edge.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.RestartNotice;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.OwnerOnlyFiles;
import io.enginex.edge.server.auth.Passwords;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.ClusterSignals;
import io.enginex.edge.server.cluster.Nodes;
import io.enginex.edge.server.cluster.PgCluster;
import io.enginex.edge.server.cluster.Presence;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.config.HubFile;
import io.enginex.edge.server.connection.AgentEndpoint;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionHistory;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.connection.FrameRouter;
import io.enginex.edge.server.connection.Heartbeat;
import io.enginex.edge.server.connection.PauseReports;
import io.enginex.edge.server.connection.Resync;
import io.enginex.edge.server.connection.UpdateReports;
import io.enginex.edge.server.dashboard.DashboardRoute;
import io.enginex.edge.server.dashboard.LiveUpdates;
import io.enginex.edge.server.dashboard.PageCapability;
import io.enginex.edge.server.dashboard.PageLinks;
import io.enginex.edge.server.dashboard.SessionPage;
import io.enginex.edge.server.dispatch.DeadlineSweeper;
import io.enginex.edge.server.dispatch.Deliveries;
import io.enginex.edge.server.dispatch.DispatchMetrics;
import io.enginex.edge.server.dispatch.Dispatcher;
import io.enginex.edge.server.dispatch.JobWaiters;
import io.enginex.edge.server.events.EventWakeups;
import io.enginex.edge.server.events.JobEvents;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.graph.GraphAssignments;
import io.enginex.edge.server.graph.GraphKey;
import io.enginex.edge.server.graph.GraphOutputs;
import io.enginex.edge.server.graph.GraphRunLog;
import io.enginex.edge.server.graph.GraphStartDeliveries;
import io.enginex.edge.server.graph.Graphs;
import io.enginex.edge.server.http.Web;
import io.enginex.edge.server.http.WebServer;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.JdbcIdempotencyStore;
import io.enginex.edge.server.job.Admission;
import io.enginex.edge.server.job.JobFactory;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.mcp.McpToolRules;
import io.enginex.edge.server.oauth.OAuth;
import io.enginex.edge.server.ops.AgentCounts;
import io.enginex.edge.server.ops.ClusterHistory;
import io.enginex.edge.server.ops.JdbcOpsBuckets;
import io.enginex.edge.server.ops.OpsBuckets;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.ops.OpsWriter;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.ratelimit.JdbcBuckets;
import io.enginex.edge.server.ratelimit.RateLimits;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.registration.AgentRegistration;
import io.enginex.edge.server.registration.AssertionVerifier;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.DeviceAuthorizations;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.registration.EnrolmentFailures;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.sso.Seal;
import io.enginex.edge.server.sso.SingleSignOn;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.enginex.edge.server.store.GroupCommit;
import io.enginex.edge.server.store.NodeStore;
import io.enginex.edge.server.store.Stores;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.tls.TlsMaterial;
import io.enginex.edge.server.update.ReleaseNotices;
import io.enginex.edge.server.update.ReleaseWatch;
import io.enginex.edge.server.update.Releases;
import io.enginex.edge.server.update.RepositoryRefresh;
import io.enginex.edge.server.update.RolloutGuard;
import io.enginex.edge.server.update.UpdateRepository;
import io.enginex.edge.server.vault.SecretApprovals;
import io.enginex.edge.server.vault.TenantSecrets;
import io.enginex.edge.server.vault.VaultLink;
import io.enginex.edge.server.webhook.WebhookSender;
import io.enginex.edge.server.webhook.WebhookTargets;
import io.enginex.edge.server.webhook.Webhooks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running hub node: opens the database, serves HTTP(S) and the agent WebSocket, runs the
 * heartbeat and deadline timers, and writes {@code hub.json} once it listens. {@link #start} returns
 * when the hub is ready; {@link #close} (idempotent, also from a shutdown hook) closes agent sockets
 * with 1001, stops the server and timers, closes the database and deletes {@code hub.json}.
 */
public final class Hub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    // A queued job younger than this is left to its signal by the cluster sweep.
    private static final Duration QUEUED_SWEEP_AGE = Duration.ofSeconds(2);

    /** The platform key file under the data directory. */
    public static final String ADMIN_KEY_FILE = "admin.key";

    private final Resources r;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Hub(Resources resources) {
        this.r = resources;
    }

    /**
     * What a hub holds, filled in while starting so that a failure half-way closes exactly what was
     * opened; after start, written no more.
     */
    private static final class Resources {
        HubConfig config;
        JdbcStores stores;
        Cluster cluster;
        Nodes nodes;
        ConnectionRegistry registry;
        WebServer server;
        RateLimits rateLimits;
        OpsBuckets opsBuckets;
        ScheduledExecutorService timers;
        ExecutorService senders;
        TlsMaterial tls;
        EventWakeups wakeups;
        WebhookSender webhookSender;
        Application app;
        volatile String url;
        Path adminKeyCreated;
    }

    /** What every part is made with: one clock, one source of randomness, one JSON mapper. */
    private record Basics(
            Clock clock,
            SecureRandom random,
            MessageCodec codec,
            ObjectMapper mapper,
            IdGenerator ids,
            Secrets secrets) {
        static Basics of(Clock clock) {
            SecureRandom random = new SecureRandom();
            return new Basics(
                    clock,
                    random,
                    new MessageCodec(FrameLimits.DEFAULT),
                    MessageCodec.newMapper(FrameLimits.DEFAULT),
                    new IdGenerator(clock, random),
                    new Secrets(random));
        }
    }

    /** Who may call: the hub's secret, API keys, users, the tenant check and the audit trail. */
    private record Security(HubSecret hubSecret, ApiKeys apiKeys, Users users, TenantGuard guard, Audit audit) {}

    /**
     * The agent links and what drives them: sockets, dispatch, waiting requests, live views, metrics.
     * {@code live} is this node's live pages; {@code views} tells them and the other nodes' alike.
     */
    private record Links(
            PrometheusMeterRegistry metrics,
            OpsHistory opsHistory,
            AgentStates states,
            DispatchMetrics dispatchMetrics,
            ConnectionHistory connectionHistory,
            JobWaiters waiters,
            TenantPolicies tenantPolicies,
            Deliveries deliveries,
            Dispatcher dispatcher,
            AccessTokens accessTokens,
            FrameRouter router,
            ReleaseNotices notices,
            LiveUpdates live,
            LiveViews views,
            VaultLink vault,
            GraphStartDeliveries graphStarts,
            io.enginex.edge.server.graph.GraphApprovals graphApprovals,
            io.enginex.edge.server.graph.GraphDecisionDeliveries graphDecisions) {}

    /** Starts a hub on the system clock. */
    public static Hub start(HubConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts a hub and returns once it listens and {@code hub.json} is written: the store, security,
     * the agent links, the application services, the web server, then the timers.
     *
     * @throws io.enginex.edge.server.http.PortInUseException if the port is taken
     * @throws io.enginex.edge.server.store.DatabaseUnavailableException if the database cannot be opened
     */
    public static Hub start(HubConfig config, Clock clock) {
        Resources p = new Resources();
        p.config = config;
        try {
            Basics b = Basics.of(clock);
            JdbcStores stores = openStore(p, b);
            Security security = security(p, b);
            Links links = connections(p, b, security);
            joinCluster(p, b, security, links);
            var creates = new IdempotentCreates(
                    new JdbcIdempotencyStore(stores.jdbi(), stores.groupCommit()),
                    security.hubSecret().bytes(),
                    b.random(),
                    clock);
            Application app = services(p, b, stores, security, links, creates);
            p.app = app;
            serveWeb(p, b, security, links, app, creates);
            startTimers(p, b, security, links, creates);
            sendWebhooks(p, b, app);
            return ready(p, b);
        } catch (IOException e) {
            closeResources(p);
            throw new UncheckedIOException(
                    "cannot write to the data directory " + config.dataDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeResources(p);
            throw e;
        }
    }

    /** The data directory, the database, the certificate, the executors and the socket registry. */
    private static JdbcStores openStore(Resources p, Basics b) throws IOException {
        HubConfig config = p.config;
        OwnerOnlyFiles.directory(config.dataDir());
        JdbcStores stores = JdbcStores.open(config.database(), b.clock(), config.nodeName());
        p.stores = stores;
        if (config.tls().enabled()) {
            p.tls = TlsMaterial.load(
                    config.tls(), config.dataDir(), config.certificateHostNames(), b.clock(), b.random());
        }
        p.senders = Executors.newVirtualThreadPerTaskExecutor();
        // Two threads, so a slow database sweep cannot hold up the heartbeat.
        p.timers = Executors.newScheduledThreadPool(
                2, Thread.ofPlatform().name("hub-timers-", 1).daemon(true).factory());
        p.cluster = "postgresql".equals(stores.dialect())
                ? new PgCluster(config.database(), config.nodeName(), b.clock())
                : Cluster.SINGLE;
        p.registry = new ConnectionRegistry(p.cluster);
        p.opsBuckets = p.cluster instanceof PgCluster ? new JdbcOpsBuckets(stores.jdbi()) : OpsBuckets.NONE;
        return stores;
    }

    /** The hub's secret, API keys (and the first platform key), users, the tenant check, the audit trail. */
    private static Security security(Resources p, Basics b) {
        Stores stores = p.stores;
        HubSecret hubSecret = HubSecret.loadOrCreate(p.config.dataDir().resolve("hub.secret"), b.random());
        var apiKeys = new ApiKeys(stores.apiKeys(), b.secrets(), b.ids(), b.clock());
        var users = new Users(
                stores.users(), new Passwords(b.random(), Passwords.DEFAULT), b.secrets(), b.ids(), b.clock());
        p.adminKeyCreated = apiKeys.issuePlatformKeyIfNone()
                .map(issued -> writeAdminKey(p.config.dataDir(), issued.secret()))
                .orElse(null);
        return new Security(
                hubSecret,
                apiKeys,
                users,
                new TenantGuard(stores.tenants()),
                new Audit(stores.audit(), b.ids(), b.clock(), b.mapper()));
    }

    /** Metrics, dispatch, connection history and the frame router that the agents' sockets use. */
    private static Links connections(Resources p, Basics b, Security security) {
        Stores stores = p.stores;
        Clock clock = b.clock();
        var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("enginex.agents.connected", p.registry, ConnectionRegistry::activeCount)
                .description("Agents with an active connection to this node")
                .register(metrics);
        var opsHistory = new OpsHistory(
                clock,
                p.config.nodeName(),
                OpsHistory.ConnectedAgents.of(p.registry::activeCount, p.registry::activeByTenant));
        var dispatchMetrics = new DispatchMetrics(metrics, opsHistory);
        var connectionHistory = new ConnectionHistory(
                stores.connections(), stores.groupCommit(), opsHistory, b.ids(), clock, p.config.nodeName());
        var waiters = new JobWaiters(stores.jobs(), p.cluster);
        Gauge.builder("enginex.jobs.waiting", waiters, JobWaiters::waiting)
                .description("API requests waiting in a long poll for a job's result on this node")
                .register(metrics);
        var tenantPolicies = new TenantPolicies(
                stores.tenantPolicies(), stores.agents(), p.registry, b.ids(), clock, b.mapper(), p.cluster);
        tenantPolicies.sendGraphs(new GraphAssignments(
                stores.graphs(), GraphKey.derive(security.hubSecret().bytes()).key(), b.mapper())::assigned);
        var deliveries = new Deliveries(
                stores.jobs(), stores.groupCommit(), p.registry, dispatchMetrics, clock, p.senders, p.cluster);
        var dispatcher = new Dispatcher(
                stores.jobs(),
                stores.groupCommit(),
                deliveries,
                waiters,
                dispatchMetrics,
                clock,
                b.mapper(),
                security.audit());
        var accessTokens =
                new AccessTokens(stores.credentials(), stores.agents(), b.secrets(), clock, stores.groupCommit());
        var notices = new ReleaseNotices(p.registry, stores.updatePins(), p.cluster);
        var vault = new VaultLink(
                new VaultLink.Parts(
                        stores.vault(),
                        stores.agents(),
                        p.registry,
                        security.audit(),
                        stores.groupCommit(),
                        b.ids(),
                        clock,
                        b.random(),
                        b.mapper(),
                        p.cluster),
                security.hubSecret().bytes());
        var graphStarts = new GraphStartDeliveries(
                stores.graphStarts(), p.registry, p.cluster, clock, b.mapper(), p.config.nodeName());
        var live = new LiveUpdates();
        LiveViews views = tenant -> {
            live.changed(tenant);
            p.cluster.publish(Signal.live(tenant));
        };
        var graphDecisions = new io.enginex.edge.server.graph.GraphDecisionDeliveries(
                stores.graphApprovals(), p.registry, p.cluster, clock, p.config.nodeName());
        var graphApprovals = new io.enginex.edge.server.graph.GraphApprovals(
                stores.graphApprovals(),
                graphDecisions,
                security.audit(),
                security.guard(),
                views,
                b.ids(),
                clock,
                p.senders,
                b.mapper());
        var router = router(
                p,
                b,
                security,
                dispatcher,
                connectionHistory,
                tenantPolicies,
                notices,
                vault,
                graphStarts,
                new FrameRouter.GraphApprovalFrames() {
                    @Override
                    public void requested(
                            io.enginex.edge.server.connection.AgentConnection c,
                            io.enginex.edge.protocol.GraphApproval frame) {
                        graphApprovals.requested(c.tenantId(), c.agentId(), frame);
                    }

                    @Override
                    public void answered(
                            io.enginex.edge.server.connection.AgentConnection c,
                            io.enginex.edge.protocol.GraphDecisionOutcome frame) {
                        graphApprovals.answered(c.tenantId(), c.agentId(), frame);
                    }

                    @Override
                    public void decidedOnMachine(
                            io.enginex.edge.server.connection.AgentConnection c,
                            io.enginex.edge.protocol.GraphLocalDecision frame) {
                        graphApprovals.decidedOnMachine(c.tenantId(), c.agentId(), frame);
                    }

                    @Override
                    public void ready(io.enginex.edge.server.connection.AgentConnection c) {
                        graphDecisions.ready(c);
                    }
                });
        var states = new AgentStates(
                p.registry,
                deliveries,
                clock,
                p.config.unresponsiveAfter(),
                p.cluster instanceof PgCluster
                        ? new Presence(stores.connections(), p.config.nodeName(), clock)
                        : AgentStates.Elsewhere.NONE);
        return new Links(
                metrics,
                opsHistory,
                states,
                dispatchMetrics,
                connectionHistory,
                waiters,
                tenantPolicies,
                deliveries,
                dispatcher,
                accessTokens,
                router,
                notices,
                live,
                views,
                vault,
                graphStarts,
                graphApprovals,
                graphDecisions);
    }

    /**
     * Joins the nodes on this database: listens for their signals, checks this node shares their hub
     * secret and has a name of its own, writes its row, and only then closes the connection rows its
     * own last run left open (a node of the same name still running would otherwise lose its rows).
     */
    private static void joinCluster(Resources p, Basics b, Security s, Links links) {
        if (p.cluster instanceof PgCluster pg) {
            try {
                pg.start(new ClusterSignals(
                        p.registry,
                        links.deliveries(),
                        links.waiters(),
                        links.tenantPolicies(),
                        links.live(),
                        links.notices(),
                        b.clock(),
                        links.vault()::pushHere,
                        links.graphStarts(),
                        links.graphDecisions()));
            } catch (SQLException e) {
                throw new DatabaseUnavailableException(
                        "cannot listen for the other hub nodes on "
                                + p.config.database().redactedUrl() + ": " + e.getMessage()
                                + ". Check that the database accepts one more connection per node.",
                        e);
            }
        }
        p.nodes = new Nodes(
                p.stores.nodes(),
                p.stores.connections(),
                p.cluster,
                p.config.nodeName(),
                version(),
                p.registry::activeCount,
                b.clock());
        p.nodes.checkSecret(
                s.hubSecret().fingerprint(),
                p.config.dataDir().resolve("hub.secret").toString());
        p.nodes.join();
        links.connectionHistory().nodeStarted();
        clusterMetrics(p, links.metrics());
    }

    private static void clusterMetrics(Resources p, PrometheusMeterRegistry metrics) {
        Gauge.builder("enginex.cluster.leader", p.cluster, c -> c.leads() ? 1 : 0)
                .description("1 when this node runs the cluster's sweeps (deadlines, purges, lost nodes), else 0")
                .register(metrics);
        Gauge.builder("enginex.cluster.nodes.alive", p.nodes, Nodes::aliveCount)
                .description("Hub nodes on this database seen within the last 15 s, this one included")
                .register(metrics);
        if (p.cluster instanceof PgCluster pg) {
            FunctionCounter.builder("enginex.cluster.signals.sent", pg, PgCluster::sent)
                    .description("Signals this node sent the other nodes (job queued, finished, agent cut off, ...)")
                    .register(metrics);
            FunctionCounter.builder("enginex.cluster.signals.received", pg, PgCluster::received)
                    .description("Signals this node received from the other nodes")
                    .register(metrics);
            FunctionCounter.builder("enginex.cluster.notify.statements", pg, PgCluster::statements)
                    .description("NOTIFY statements sent; each carries every signal queued in its round")
                    .register(metrics);
            Gauge.builder("enginex.cluster.signals.queued", pg, PgCluster::queued)
                    .description("Signals waiting to be sent")
                    .register(metrics);
        }
    }

    /** The frame router: what the hub does with each frame an agent sends. */
    private static FrameRouter router(
            Resources p,
            Basics b,
            Security security,
            Dispatcher dispatcher,
            ConnectionHistory connectionHistory,
            TenantPolicies tenantPolicies,
            ReleaseNotices notices,
            VaultLink vault,
            GraphStartDeliveries graphStarts,
            FrameRouter.GraphApprovalFrames graphApprovals) {
        return new FrameRouter(
                b.codec(),
                p.stores.agents(),
                p.registry,
                dispatcher,
                connectionHistory,
                b.clock(),
                p.config.heartbeat(),
                p.config.nodeName(),
                tenantPolicies,
                new PauseReports(p.stores.agents(), security.audit(), b.clock(), p.stores.transactions()),
                new UpdateReports(p.stores.agentUpdates(), notices::pinOf, b.clock()),
                new RepeatedLog(b.clock(), Duration.ofSeconds(60)),
                p.stores.groupCommit(),
                vault,
                graphUploads(p, b, security),
                graphStarts::ready,
                graphApprovals);
    }

    /** Graph runs, and the step outputs that follow them as files, as agents upload them. */
    private static FrameRouter.GraphRunUploads graphUploads(Resources p, Basics b, Security security) {
        GraphRunLog runs = new GraphRunLog(
                p.stores.graphRuns(),
                p.stores.graphs(),
                security.guard(),
                b.clock(),
                b.mapper(),
                security.audit(),
                p.stores.transactions());
        GraphOutputs outputs = new GraphOutputs(
                p.stores.graphOutputs(), p.config.graphOutputs(), security.audit(), security.guard(), b.clock());
        return new FrameRouter.GraphRunUploads() {
            @Override
            public io.enginex.edge.protocol.GraphRunsAck receive(
                    String tenantId, String agentId, io.enginex.edge.protocol.GraphRuns frame, String ackId) {
                return runs.receive(tenantId, agentId, frame, ackId);
            }

            @Override
            public io.enginex.edge.protocol.GraphOutputAck output(
                    String tenantId, String agentId, io.enginex.edge.protocol.GraphOutputChunk chunk, String ackId) {
                return outputs.receive(tenantId, agentId, chunk, ackId);
            }
        };
    }

    /** The application layer: one service per family of use cases (see {@link Application}). */
    private static Application services(
            Resources p, Basics b, JdbcStores stores, Security s, Links links, IdempotentCreates creates) {
        Clock clock = b.clock();
        Audit audit = s.audit();
        Transactions tx = stores.transactions();
        var failures = new EnrolmentFailures(audit, clock);
        var jobEvents = new JobEvents(stores.audit(), stores.jobs(), stores.sessions(), s.guard(), b.mapper(), clock);
        var enrolment = new Enrolment(
                enrolmentParts(p, b, links, failures), audit, s.guard(), creates, tx, links.views(), clock);
        var devices = new DeviceAuthorizations(
                stores.deviceCodes(),
                stores.agents(),
                stores.machines(),
                stores.tenants(),
                b.secrets(),
                b.random(),
                b.ids(),
                clock,
                failures);
        var agents = new Agents.Parts(
                stores.agents(),
                stores.machines(),
                stores.connections(),
                stores.jobs(),
                p.registry,
                links.tenantPolicies(),
                stores.agentUpdates());
        return new Application(
                jobs(p, b, s, links, creates),
                enrolment,
                new Logins(s.users(), s.apiKeys(), stores.apiKeys(), audit, s.guard(), tx, clock),
                new DeviceApprovals(devices, audit, s.guard(), tx, links.views()),
                new Policies(links.tenantPolicies(), audit, s.guard(), tx, links.views()),
                new McpToolRules(stores.mcpToolRules(), audit, s.guard(), tx, links.views(), clock, b.mapper()),
                new Agents(agents, audit, s.guard(), tx, links.views(), clock),
                new AuditLog(stores.audit(), s.guard()),
                new Releases(
                        new UpdateRepository(UpdateRepository.dirOf(p.config.dataDir()), clock),
                        new Releases.Parts(stores.agentUpdates(), stores.updatePins(), links.notices()),
                        audit,
                        s.guard(),
                        tx,
                        clock),
                new SingleSignOn(
                        stores.oidcProviders(),
                        s.users(),
                        audit,
                        s.guard(),
                        tx,
                        s.hubSecret().bytes(),
                        b.random(),
                        b.mapper(),
                        clock,
                        () -> p.url),
                new Graphs(
                        stores.graphs(),
                        stores.agents(),
                        audit,
                        s.guard(),
                        tx,
                        links.views(),
                        b.ids(),
                        clock,
                        new GraphFormat(b.mapper()),
                        GraphKey.derive(s.hubSecret().bytes()),
                        links.tenantPolicies(),
                        stores.graphStarts(),
                        links.graphStarts(),
                        p.senders,
                        b.mapper()),
                new TenantSecrets(
                        links.vault(),
                        stores.agents(),
                        stores.vault(),
                        audit,
                        s.guard(),
                        tx,
                        links.views(),
                        b.ids(),
                        clock),
                jobEvents,
                new Webhooks(
                        new Webhooks.Parts(
                                stores.webhooks(),
                                jobEvents,
                                new WebhookTargets(p.config.webhooks().allowPrivateTargets()),
                                new Seal(s.hubSecret().bytes(), Webhooks.SEAL_PURPOSE, b.random()),
                                b.random()),
                        audit,
                        s.guard(),
                        tx,
                        links.views(),
                        b.ids(),
                        clock),
                new GraphRunLog(stores.graphRuns(), stores.graphs(), s.guard(), clock, b.mapper()),
                links.graphApprovals(),
                OAuth.of(stores.oauth(), s.users(), audit, tx, b.secrets(), b.ids(), clock, () -> p.url),
                new GraphOutputs(stores.graphOutputs(), p.config.graphOutputs(), audit, s.guard(), clock));
    }

    /** The webhook sender, on its own thread; it sends only while this node leads. */
    private static void sendWebhooks(Resources p, Basics b, Application app) {
        p.webhookSender = new WebhookSender(
                new WebhookSender.Parts(
                        p.stores.webhooks(),
                        app.jobEvents(),
                        app.webhooks(),
                        new WebhookTargets(p.config.webhooks().allowPrivateTargets()),
                        p.wakeups,
                        b.ids(),
                        b.mapper()),
                p.cluster::leads,
                b.clock(),
                p.config.webhooks().retryBase(),
                b.random());
        p.webhookSender.start();
    }

    /** The jobs-and-sessions service and the factory that makes its jobs. */
    private static Jobs jobs(Resources p, Basics b, Security s, Links links, IdempotentCreates creates) {
        Stores stores = p.stores;
        var admission = new Admission(p.config.maxConcurrentJobs(), b.clock());
        Gauge.builder("enginex.jobs.creating", admission, Admission::inFlight)
                .description("Job creates in progress on this node (at most --max-concurrent-jobs)")
                .register(links.metrics());
        FunctionCounter.builder("enginex.jobs.overloaded", admission, Admission::refused)
                .description("Job creates refused 503 because this node was at --max-concurrent-jobs")
                .register(links.metrics());
        Gauge.builder("enginex.db.writer.waiting", stores.groupCommit(), GroupCommit::waiting)
                .description("Units of database work waiting for the group-commit writer")
                .register(links.metrics());
        FunctionCounter.builder("enginex.db.writer.commits", stores.groupCommit(), GroupCommit::commits)
                .description("Transactions the group-commit writer committed")
                .register(links.metrics());
        FunctionCounter.builder("enginex.db.writer.units", stores.groupCommit(), GroupCommit::committedUnits)
                .description("Units of database work the group-commit writer committed (units / commits: batch size)")
                .register(links.metrics());
        return new Jobs(
                stores.jobs(),
                stores.sessions(),
                stores.agents(),
                new JobFactory(
                        stores.sessions(),
                        stores.agents(),
                        links.tenantPolicies(),
                        new SecretApprovals(stores.vault()),
                        b.ids(),
                        b.clock(),
                        b.mapper()),
                links.dispatcher(),
                links.waiters(),
                s.audit(),
                creates,
                links.views(),
                s.guard(),
                b.ids(),
                b.clock(),
                admission);
    }

    /** What enrolment works with: tokens, registration, assertions, access tokens, agents, machines. */
    private static Enrolment.Parts enrolmentParts(Resources p, Basics b, Links links, EnrolmentFailures failures) {
        Stores stores = p.stores;
        return new Enrolment.Parts(
                new RegistrationTokens(stores.registrationTokens(), b.secrets(), b.ids(), b.clock()),
                new AgentRegistration(stores.registrationTokens(), stores.agents(), b.ids(), b.clock(), failures),
                new AssertionVerifier(
                        stores.agents(), stores.credentials(), b.clock(), b.mapper(), stores.groupCommit()),
                links.accessTokens(),
                stores.agents(),
                stores.machines(),
                p.registry);
    }

    /** The web server: REST API, dashboard and the agents' WebSocket, over the application. */
    private static void serveWeb(
            Resources p, Basics b, Security s, Links links, Application app, IdempotentCreates creates) {
        Stores stores = p.stores;
        Clock clock = b.clock();
        p.rateLimits = rateLimits(p.stores, clock);
        p.wakeups = wakeups(links);
        var capability =
                new PageCapability(s.hubSecret(), stores.pageLinks(), b.ids(), clock, p.config.sessionLinkTtl());
        var endpoint = new AgentEndpoint(
                links.accessTokens(),
                stores.agents(),
                stores.groupCommit(),
                p.registry,
                links.router(),
                links.connectionHistory(),
                b.codec(),
                clock);
        var web = new Web(
                app,
                new Web.Authentication(s.apiKeys(), s.users(), s.guard()),
                new Web.Ops(
                        p.registry,
                        links.states(),
                        new ClusterHistory(
                                links.opsHistory(),
                                p.opsBuckets,
                                scope -> counts(links.states().countConnected(scope)),
                                () -> p.nodes.list().stream()
                                        .map(NodeStore.Node::name)
                                        .toList(),
                                clock),
                        links.metrics(),
                        p.nodes),
                new PageLinks(
                        capability,
                        new SessionPage(stores.sessions(), stores.jobs(), stores.agents(), capability, b.mapper()),
                        stores.sessions(),
                        s.audit(),
                        s.guard(),
                        p.stores.transactions(),
                        () -> p.url),
                links.live(),
                p.wakeups,
                endpoint,
                creates,
                stores,
                s.audit(),
                new Web.Basics(b.mapper(), clock, version(), () -> p.url),
                p.rateLimits);
        p.server = new WebServer(p.config, p.tls, web);
        p.server.start();
        p.url = p.config.baseUrl(p.tls != null, p.server.port());
    }

    /**
     * What wakes the job event readers: this node's live-view changes (a job made or decided here, and
     * every other node's signals) and the jobs this node finishes.
     */
    private static EventWakeups wakeups(Links links) {
        var wakeups = new EventWakeups();
        links.live().listen(wakeups::changed);
        links.waiters().onFinished(wakeups::changed);
        return wakeups;
    }

    /** Agents by state as the ops console counts them. */
    private static AgentCounts counts(Map<AgentState, Integer> states) {
        int busy = states.getOrDefault(AgentState.BUSY, 0);
        int unresponsive = states.getOrDefault(AgentState.UNRESPONSIVE, 0);
        return new AgentCounts(states.getOrDefault(AgentState.ONLINE, 0) + busy + unresponsive, busy, unresponsive);
    }

    /**
     * The rate limits: on PostgreSQL in the database, so that N nodes give an address one budget, not
     * N; on the embedded database (one node) in memory.
     */
    private static RateLimits rateLimits(JdbcStores stores, Clock clock) {
        return "postgresql".equals(stores.dialect())
                ? RateLimits.shared(new JdbcBuckets(stores.jdbi()), clock)
                : RateLimits.inMemory(clock);
    }

    /**
     * Deadlines, resync, heartbeat, purges, PostgreSQL's planner statistics, the node's row and the
     * ops history's samples, on the timer threads. What concerns the whole database (deadlines,
     * purges, statistics, lost nodes, the rollouts' automatic halt) runs on the node that leads; what concerns this node's sockets
     * runs on every node.
     */
    private static void startTimers(Resources p, Basics b, Security s, Links links, IdempotentCreates creates) {
        Stores stores = p.stores;
        Clock clock = b.clock();
        Cluster cluster = p.cluster;
        var deadlines = new DeadlineSweeper(
                stores.jobs(),
                links.deliveries(),
                links.waiters(),
                links.dispatchMetrics(),
                clock,
                s.audit(),
                p.stores.transactions());
        p.timers.scheduleAtFixedRate(
                leading(cluster, deadlines),
                DeadlineSweeper.INTERVAL.toMillis(),
                DeadlineSweeper.INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        long beat = Nodes.BEAT.toMillis();
        p.timers.scheduleAtFixedRate(p.nodes::beat, beat, beat, TimeUnit.MILLISECONDS);
        if (cluster instanceof PgCluster) {
            long sweep = p.config.clusterSweep().toMillis();
            p.timers.scheduleAtFixedRate(
                    () -> sweepQueued(links.deliveries(), clock), sweep, sweep, TimeUnit.MILLISECONDS);
            p.timers.scheduleAtFixedRate(links.graphStarts()::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
            p.timers.scheduleAtFixedRate(links.graphDecisions()::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        }
        long resync = Resync.INTERVAL.toMillis();
        p.timers.scheduleAtFixedRate(new Resync(p.registry, links.router()), resync, resync, TimeUnit.MILLISECONDS);
        long resend = Deliveries.RESYNC_INTERVAL.toMillis();
        p.timers.scheduleAtFixedRate(links.deliveries()::resync, resend, resend, TimeUnit.MILLISECONDS);
        long marks = Deliveries.MARK_INTERVAL.toMillis();
        p.timers.scheduleAtFixedRate(links.deliveries()::writeMarks, marks, marks, TimeUnit.MILLISECONDS);
        Heartbeat heartbeat = new Heartbeat(p.registry, clock, p.config.heartbeat(), p.senders);
        long ping = heartbeat.period().toMillis();
        p.timers.scheduleAtFixedRate(heartbeat, ping, ping, TimeUnit.MILLISECONDS);
        p.timers.scheduleAtFixedRate(leading(cluster, () -> purgeCredentials(stores, clock)), 1, 1, TimeUnit.MINUTES);
        p.timers.scheduleAtFixedRate(
                leading(cluster, () -> purgeSessions(s.users(), stores, clock)), 1, 1, TimeUnit.MINUTES);
        p.timers.scheduleAtFixedRate(leading(cluster, links.connectionHistory()::purge), 0, 10, TimeUnit.MINUTES);
        p.timers.scheduleAtFixedRate(leading(cluster, links.graphStarts()::purge), 1, 10, TimeUnit.MINUTES);
        p.timers.scheduleAtFixedRate(leading(cluster, creates::sweep), 1, 60, TimeUnit.MINUTES);
        p.timers.scheduleAtFixedRate(leading(cluster, p.rateLimits::purge), 1, 1, TimeUnit.MINUTES);
        p.timers.scheduleAtFixedRate(leading(cluster, p.stores::refreshStatistics), 5, 5, TimeUnit.SECONDS);
        long bucket = OpsHistory.BUCKET.toMillis();
        p.timers.scheduleAtFixedRate(links.opsHistory()::sample, 0, bucket, TimeUnit.MILLISECONDS);
        if (cluster instanceof PgCluster) {
            shareOps(p, links, clock);
        }
        var updates = new UpdateRepository(UpdateRepository.dirOf(p.config.dataDir()), clock);
        p.timers.scheduleAtFixedRate(new RepositoryRefresh(updates), 0, 1, TimeUnit.MINUTES);
        long watch = ReleaseWatch.INTERVAL.toMillis();
        p.timers.scheduleWithFixedDelay(
                new ReleaseWatch(updates, links.notices()::announceHere), 0, watch, TimeUnit.MILLISECONDS);
        long rollouts = p.config.rolloutCheck().toMillis();
        p.timers.scheduleAtFixedRate(
                leading(
                        cluster,
                        new RolloutGuard(
                                updates,
                                stores.agentUpdates(),
                                List.of(updates.onlineKeysDir()),
                                new RepeatedLog(clock, Duration.ofSeconds(60)),
                                s.audit())),
                rollouts,
                rollouts,
                TimeUnit.MILLISECONDS);
    }

    /**
     * On PostgreSQL: writes this node's finished ops buckets for the other nodes' consoles (every
     * node), and purges the buckets older than an hour each minute (the leader).
     */
    private static void shareOps(Resources p, Links links, Clock clock) {
        var writer = new OpsWriter(
                links.opsHistory(),
                p.opsBuckets,
                () -> {
                    Map<String, AgentCounts> byTenant = new HashMap<>();
                    links.states().countConnectedByTenant().forEach((t, n) -> byTenant.put(t, counts(n)));
                    return byTenant;
                },
                clock);
        long every = OpsWriter.INTERVAL.toMillis();
        p.timers.scheduleAtFixedRate(writer, every, every, TimeUnit.MILLISECONDS);
        p.timers.scheduleAtFixedRate(leading(p.cluster, () -> purgeOps(p.opsBuckets, clock)), 1, 1, TimeUnit.MINUTES);
        FunctionCounter.builder("enginex.ops.bucket.writes", writer, OpsWriter::writes)
                .description(
                        "Statements that wrote this node's finished ops buckets for the other nodes (one a bucket)")
                .register(links.metrics());
        FunctionCounter.builder("enginex.ops.bucket.rows", writer, OpsWriter::rows)
                .description("Rows of ops buckets this node wrote: its totals and each tenant with activity, a bucket")
                .register(links.metrics());
    }

    private static void purgeOps(OpsBuckets buckets, Clock clock) {
        try {
            buckets.purge(OpsHistory.bucketOf(clock.instant()) - OpsHistory.BUCKETS);
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("reason", e.toString())
                    .log("purging old ops buckets failed; retrying in a minute");
        }
    }

    /** {@code work}, run only while this node leads. */
    private static Runnable leading(Cluster cluster, Runnable work) {
        return () -> {
            if (cluster.leads()) {
                work.run();
            }
        };
    }

    /** The cluster's safety net: queued jobs older than a moment whose agent is here. Never throws. */
    private static void sweepQueued(Deliveries deliveries, Clock clock) {
        try {
            deliveries.sweepQueued(clock.instant().minus(QUEUED_SWEEP_AGE));
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("reason", e.toString()).log("cluster sweep failed; retrying on the next one");
        }
    }

    /** Writes {@code hub.json} (how local tools find this hub) and logs that the hub started. */
    private static Hub ready(Resources p, Basics b) throws IOException {
        Hub hub = new Hub(p);
        p.nodes.serving(hub.url());
        new HubFile(
                        hub.url(),
                        p.server.port(),
                        ProcessHandle.current().pid(),
                        p.tls != null,
                        hub.fingerprint(),
                        p.config.nodeName(),
                        version())
                .write(HubFile.in(p.config.dataDir()), b.mapper());
        log.atInfo()
                .addKeyValue("url", hub.url())
                .addKeyValue("node", p.config.nodeName())
                .addKeyValue("database", p.stores.dialect())
                .addKeyValue("leads", p.cluster.leads())
                .addKeyValue("protocol", Protocol.VERSION)
                .log("hub started");
        return hub;
    }

    /** The URL this hub is reached by (public URL if configured, else the bound address). */
    public String url() {
        return r.url;
    }

    /** The port bound. */
    public int port() {
        return r.server.port();
    }

    /** The served certificate's fingerprint {@code sha256:AB:…}, or null for plain HTTP. */
    public String fingerprint() {
        return r.tls == null ? null : r.tls.fingerprint();
    }

    /** Whether the certificate is the hub's own self-signed one. */
    public boolean selfSignedCertificate() {
        return r.tls != null && r.tls.selfSigned();
    }

    /** The platform key file this start created, or null if a platform key existed already. */
    public Path adminKeyCreated() {
        return r.adminKeyCreated;
    }

    public HubConfig config() {
        return r.config;
    }

    /** The live agent sockets on this node (tests, diagnostics). */
    public ConnectionRegistry connections() {
        return r.registry;
    }

    public Stores stores() {
        return r.stores;
    }

    /** The application services the routes call (tests that must act as a route would). */
    public Application application() {
        return r.app;
    }

    /** Whether this node runs the sweeps of the nodes sharing its database (tests, diagnostics). */
    public boolean leads() {
        return r.cluster.leads();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.atInfo().log("hub stopping");
        try {
            Files.deleteIfExists(HubFile.in(r.config.dataDir()));
        } catch (IOException e) {
            log.atWarn().addKeyValue("reason", e.getMessage()).log("cannot delete hub.json");
        }
        closeResources(r);
        log.atInfo().log("hub stopped");
    }

    private static void closeResources(Resources p) {
        List<Runnable> steps = new ArrayList<>();
        if (p.timers != null) {
            steps.add(p.timers::shutdownNow);
        }
        if (p.registry != null) {
            // The restart notice: agents come back at random moments spread over a window sized
            // for the fleet, instead of all at once or after a long backoff.
            steps.add(() -> p.registry.closeAll(
                    Protocol.CLOSE_GOING_AWAY,
                    RestartNotice.forFleet(p.registry.activeCount()).closeReason()));
        }
        if (p.webhookSender != null) {
            steps.add(p.webhookSender::close);
        }
        if (p.server != null) {
            steps.add(p.server::stop);
        }
        if (p.senders != null) {
            steps.add(p.senders::shutdownNow);
        }
        if (p.nodes != null) {
            steps.add(p.nodes::leave);
        }
        if (p.cluster != null) {
            steps.add(p.cluster::close);
        }
        if (p.stores != null) {
            steps.add(p.stores::close);
        }
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                log.atWarn().setCause(e).log("error while stopping the hub");
            }
        }
    }

    private static Path writeAdminKey(Path dataDir, String secret) {
        Path file = dataDir.resolve(ADMIN_KEY_FILE);
        try {
            OwnerOnlyFiles.replace(file, (secret + "\n").getBytes(StandardCharsets.US_ASCII));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the platform key to " + file, e);
        }
    }

    private static void purgeCredentials(Stores stores, Clock clock) {
        try {
            stores.credentials().purgeExpired(clock.instant());
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("purging expired credentials failed; retrying in a minute");
        }
    }

    private static void purgeSessions(Users users, Stores stores, Clock clock) {
        try {
            users.purgeExpiredSessions();
            stores.deviceCodes().purgeExpired(clock.instant().minus(java.time.Duration.ofHours(1)));
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("purging expired login sessions failed; retrying in a minute");
        }
    }

    /** Every HTTP and WebSocket route this hub serves (for the tenant-isolation test matrix). */
    public List<String> routes() {
        return r.server.routes();
    }

    /** The dashboard's route table: every page, action and live stream, with who may use it. */
    public List<DashboardRoute> dashboardRoutes() {
        return r.server.dashboardRoutes();
    }

    /** This build's version from the jar manifest, or {@code dev} when run from classes. */
    public static String version() {
        String v = Hub.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
