package io.enginex.edge.server;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.config.HubFile;
import io.enginex.edge.server.connection.AgentEndpoint;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionHistory;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.connection.FrameRouter;
import io.enginex.edge.server.connection.Heartbeat;
import io.enginex.edge.server.connection.PauseReports;
import io.enginex.edge.server.connection.Resync;
import io.enginex.edge.server.dashboard.DashboardRoute;
import io.enginex.edge.server.dashboard.LiveUpdates;
import io.enginex.edge.server.dashboard.PageCapability;
import io.enginex.edge.server.dashboard.SessionPage;
import io.enginex.edge.server.dispatch.DeadlineSweeper;
import io.enginex.edge.server.dispatch.Deliveries;
import io.enginex.edge.server.dispatch.DispatchMetrics;
import io.enginex.edge.server.dispatch.Dispatcher;
import io.enginex.edge.server.dispatch.JobWaiters;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.http.WebServer;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.JdbcIdempotencyStore;
import io.enginex.edge.server.job.JobFactory;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.registration.AgentRegistration;
import io.enginex.edge.server.registration.AssertionVerifier;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.DeviceAuthorizations;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.registration.EnrolmentFailures;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.store.Stores;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.tls.TlsMaterial;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        Stores stores;
        ConnectionRegistry registry;
        WebServer server;
        ScheduledExecutorService timers;
        ExecutorService senders;
        TlsMaterial tls;
        volatile String url;
        Path adminKeyCreated;
    }

    /** Starts a hub on the system clock. */
    public static Hub start(HubConfig config) {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts a hub and returns once it listens and {@code hub.json} is written.
     *
     * @throws io.enginex.edge.server.http.PortInUseException if the port is taken
     * @throws io.enginex.edge.server.store.DatabaseUnavailableException if the database cannot be opened
     */
    public static Hub start(HubConfig config, Clock clock) {
        Resources p = new Resources();
        p.config = config;
        try {
            OwnerOnlyFiles.directory(config.dataDir());
            SecureRandom random = new SecureRandom();
            MessageCodec codec = new MessageCodec(FrameLimits.DEFAULT);
            ObjectMapper mapper = MessageCodec.newMapper(FrameLimits.DEFAULT);
            IdGenerator ids = new IdGenerator(clock, random);
            Secrets secrets = new Secrets(random);
            JdbcStores jdbcStores = JdbcStores.open(config.database(), clock);
            p.stores = jdbcStores;
            Stores stores = p.stores;
            HubSecret hubSecret = HubSecret.loadOrCreate(config.dataDir().resolve("hub.secret"), random);
            if (config.tls().enabled()) {
                p.tls = TlsMaterial.load(config.tls(), config.dataDir(), config.certificateHostNames(), clock, random);
            }
            p.senders = Executors.newVirtualThreadPerTaskExecutor();
            // Two threads, so a slow database sweep cannot hold up the heartbeat.
            p.timers = Executors.newScheduledThreadPool(
                    2, Thread.ofPlatform().name("hub-timers-", 1).daemon(true).factory());
            p.registry = new ConnectionRegistry();

            var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Gauge.builder("enginex.agents.connected", p.registry, ConnectionRegistry::activeCount)
                    .description("Agents with an active connection to this node")
                    .register(metrics);
            var opsHistory = new OpsHistory(
                    clock,
                    config.nodeName(),
                    OpsHistory.ConnectedAgents.of(p.registry::activeCount, p.registry::activeByTenant));
            var dispatchMetrics = new DispatchMetrics(metrics, opsHistory);
            var connectionHistory =
                    new ConnectionHistory(stores.connections(), opsHistory, ids, clock, config.nodeName());
            connectionHistory.nodeStarted();
            var waiters = new JobWaiters(stores.jobs());
            Gauge.builder("enginex.jobs.waiting", waiters, JobWaiters::waiting)
                    .description("API requests waiting in a long poll for a job's result on this node")
                    .register(metrics);
            var tenantPolicies =
                    new TenantPolicies(stores.tenantPolicies(), stores.agents(), p.registry, ids, clock, mapper);
            var audit = new Audit(stores.audit(), ids, clock, mapper);
            var enrolmentFailures = new EnrolmentFailures(audit, clock);
            var deliveries = new Deliveries(stores.jobs(), p.registry, dispatchMetrics, clock, p.senders);
            var dispatcher = new Dispatcher(stores.jobs(), deliveries, waiters, dispatchMetrics, clock, mapper);
            var accessTokens = new AccessTokens(stores.credentials(), stores.agents(), secrets, clock);
            var router = new FrameRouter(
                    codec,
                    stores.agents(),
                    p.registry,
                    dispatcher,
                    connectionHistory,
                    clock,
                    config.heartbeat(),
                    config.nodeName(),
                    tenantPolicies,
                    new PauseReports(stores.agents(), audit, clock),
                    new RepeatedLog(clock, Duration.ofSeconds(60)));
            var capability = new PageCapability(hubSecret, stores.pageLinks(), ids, clock, config.sessionLinkTtl());
            var idempotentCreates = new IdempotentCreates(
                    new JdbcIdempotencyStore(jdbcStores.jdbi()), hubSecret.bytes(), random, clock);
            var live = new LiveUpdates();
            var guard = new TenantGuard(stores.tenants());
            var jobs = new Jobs(
                    stores.jobs(),
                    stores.sessions(),
                    stores.agents(),
                    new JobFactory(stores.sessions(), stores.agents(), tenantPolicies, ids, clock, mapper),
                    dispatcher,
                    waiters,
                    audit,
                    idempotentCreates,
                    live,
                    guard,
                    ids,
                    clock);
            var enrolment = new Enrolment(
                    new Enrolment.Parts(
                            new RegistrationTokens(stores.registrationTokens(), secrets, ids, clock),
                            new AgentRegistration(
                                    stores.registrationTokens(), stores.agents(), ids, clock, enrolmentFailures),
                            new AssertionVerifier(stores.agents(), stores.credentials(), clock, mapper),
                            accessTokens,
                            stores.agents(),
                            stores.machines(),
                            p.registry),
                    audit,
                    guard,
                    idempotentCreates,
                    jdbcStores.transactions(),
                    live,
                    clock);
            var apiKeys = new ApiKeys(stores.apiKeys(), secrets, ids, clock);
            var users = new Users(stores.users(), new Passwords(random, Passwords.DEFAULT), secrets, ids, clock);
            var services = new WebServer.Services(
                    stores,
                    apiKeys,
                    users,
                    audit,
                    new DeviceApprovals(
                            new DeviceAuthorizations(
                                    stores.deviceCodes(),
                                    stores.agents(),
                                    stores.machines(),
                                    stores.tenants(),
                                    secrets,
                                    random,
                                    ids,
                                    clock,
                                    enrolmentFailures),
                            audit,
                            guard,
                            jdbcStores.transactions(),
                            live),
                    jobs,
                    enrolment,
                    new Logins(users, apiKeys, stores.apiKeys(), audit, guard, jdbcStores.transactions(), clock),
                    new Policies(tenantPolicies, audit, guard, jdbcStores.transactions(), live),
                    new Agents(
                            new Agents.Parts(
                                    stores.agents(),
                                    stores.machines(),
                                    stores.connections(),
                                    stores.jobs(),
                                    p.registry,
                                    tenantPolicies),
                            audit,
                            guard,
                            jdbcStores.transactions(),
                            live,
                            clock),
                    new AuditLog(stores.audit(), guard),
                    guard,
                    tenantPolicies,
                    p.registry,
                    new AgentEndpoint(
                            accessTokens, stores.agents(), p.registry, router, connectionHistory, codec, clock),
                    new AgentStates(p.registry, deliveries, clock, config.unresponsiveAfter()),
                    opsHistory,
                    new SessionPage(stores.sessions(), stores.jobs(), stores.agents(), capability, mapper),
                    capability,
                    live,
                    metrics,
                    ids,
                    clock,
                    mapper,
                    version(),
                    () -> p.url,
                    idempotentCreates);
            p.adminKeyCreated = apiKeys.issuePlatformKeyIfNone()
                    .map(issued -> writeAdminKey(config.dataDir(), issued.secret()))
                    .orElse(null);

            p.server = new WebServer(config, p.tls, services);
            p.server.start();
            p.url = config.baseUrl(p.tls != null, p.server.port());

            p.timers.scheduleAtFixedRate(
                    new DeadlineSweeper(stores.jobs(), deliveries, waiters, dispatchMetrics, clock),
                    DeadlineSweeper.INTERVAL.toMillis(),
                    DeadlineSweeper.INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
            long resync = Resync.INTERVAL.toMillis();
            p.timers.scheduleAtFixedRate(new Resync(p.registry, router), resync, resync, TimeUnit.MILLISECONDS);
            long resend = Deliveries.RESYNC_INTERVAL.toMillis();
            p.timers.scheduleAtFixedRate(deliveries::resync, resend, resend, TimeUnit.MILLISECONDS);
            Heartbeat heartbeat = new Heartbeat(p.registry, clock, config.heartbeat(), p.senders);
            long beat = heartbeat.period().toMillis();
            p.timers.scheduleAtFixedRate(heartbeat, beat, beat, TimeUnit.MILLISECONDS);
            p.timers.scheduleAtFixedRate(() -> purgeCredentials(stores, clock), 1, 1, TimeUnit.MINUTES);
            p.timers.scheduleAtFixedRate(() -> purgeSessions(users, stores, clock), 1, 1, TimeUnit.MINUTES);
            p.timers.scheduleAtFixedRate(connectionHistory::purge, 0, 10, TimeUnit.MINUTES);
            p.timers.scheduleAtFixedRate(idempotentCreates::sweep, 1, 60, TimeUnit.MINUTES);
            long bucket = OpsHistory.BUCKET.toMillis();
            p.timers.scheduleAtFixedRate(opsHistory::sample, 0, bucket, TimeUnit.MILLISECONDS);

            Hub hub = new Hub(p);
            new HubFile(
                            hub.url(),
                            p.server.port(),
                            ProcessHandle.current().pid(),
                            p.tls != null,
                            hub.fingerprint(),
                            config.nodeName(),
                            version())
                    .write(HubFile.in(config.dataDir()), mapper);
            log.atInfo()
                    .addKeyValue("url", hub.url())
                    .addKeyValue("node", config.nodeName())
                    .addKeyValue("database", stores.dialect())
                    .addKeyValue("protocol", Protocol.VERSION)
                    .log("hub started");
            return hub;
        } catch (IOException e) {
            closeResources(p);
            throw new UncheckedIOException(
                    "cannot write to the data directory " + config.dataDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            closeResources(p);
            throw e;
        }
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
        if (p.server != null) {
            steps.add(p.server::stop);
        }
        if (p.senders != null) {
            steps.add(p.senders::shutdownNow);
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
