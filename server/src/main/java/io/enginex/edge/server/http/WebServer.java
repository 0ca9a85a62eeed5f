package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.connection.AgentEndpoint;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.dashboard.Dashboard;
import io.enginex.edge.server.dashboard.DashboardRoute;
import io.enginex.edge.server.dashboard.LiveUpdates;
import io.enginex.edge.server.dashboard.PageCapability;
import io.enginex.edge.server.dashboard.SessionPage;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.store.Stores;
import io.enginex.edge.server.tls.TlsMaterial;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The hub's HTTP(S) server: REST API, agent WebSocket, session pages, health and metrics, on one
 * Javalin (Jetty 12) instance with virtual threads. Start once, stop once.
 */
public final class WebServer {
    /** Failed or not, a login attempt for one email spends one of these per minute. */
    static final int LOGINS_PER_EMAIL_PER_MINUTE = 10;

    private final Javalin javalin;
    private final HubConfig config;
    private final Dashboard dashboard;

    /** What the routes work with. */
    public record Services(
            Stores stores,
            ApiKeys apiKeys,
            Users users,
            Audit audit,
            DeviceApprovals devices,
            Jobs jobs,
            Enrolment enrolment,
            Logins logins,
            Policies policies,
            Agents agents,
            AuditLog auditLog,
            TenantGuard guard,
            TenantPolicies tenantPolicies,
            ConnectionRegistry registry,
            AgentEndpoint agentEndpoint,
            AgentStates agentStates,
            OpsHistory opsHistory,
            SessionPage sessionPage,
            PageCapability capability,
            LiveUpdates live,
            PrometheusMeterRegistry metrics,
            IdGenerator ids,
            Clock clock,
            ObjectMapper mapper,
            String version,
            Supplier<String> baseUrl,
            IdempotentCreates idempotentCreates) {}

    /** @param tls the certificate to serve, or null for plain HTTP (loopback only, checked by HubConfig) */
    public WebServer(HubConfig config, TlsMaterial tls, Services services) {
        this.config = config;
        var loginsPerAddress = new RateLimiter(config.registerPerMinute(), services.clock()); // registration's budget
        var loginsPerEmail = new RateLimiter(LOGINS_PER_EMAIL_PER_MINUTE, services.clock());
        this.dashboard = new Dashboard(
                services, loginsPerAddress, loginsPerEmail, tls != null && tls.selfSigned() ? tls.fingerprint() : null);
        this.javalin =
                Javalin.create(c -> configure(c, config, tls, services, dashboard, loginsPerAddress, loginsPerEmail));
    }

    private static void configure(
            JavalinConfig c,
            HubConfig config,
            TlsMaterial tls,
            Services s,
            Dashboard dashboard,
            RateLimiter loginsPerAddress,
            RateLimiter loginsPerEmail) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.concurrency.useVirtualThreads = true;
        c.http.maxRequestSize = config.maxBodyBytes();
        c.router.ignoreTrailingSlashes = true;
        c.jsonMapper(new JavalinJackson(s.mapper(), true));
        c.jetty.addConnector((server, httpConfig) -> connector(server, httpConfig, config, tls));
        c.jetty.modifyWebSocketServletFactory(factory -> {
            // Above the protocol's limit, so a frame a little too large reaches the codec and is
            // answered with frame_too_large instead of Jetty closing the socket.
            factory.setMaxTextMessageSize(2L * FrameLimits.DEFAULT.maxFrameBytes());
            factory.setMaxBinaryMessageSize(64 * 1024);
            // The hub's heartbeat decides liveness; Jetty's idle timeout is only a backstop.
            factory.setIdleTimeout(config.heartbeat().multipliedBy(4).plus(Duration.ofSeconds(10)));
        });

        var routes = c.routes;
        var limits = BodyLimits.forBodySize(config.maxBodyBytes());
        ErrorMapping.register(routes, limits, new RepeatedLog(s.clock(), Duration.ofSeconds(60)));
        ApiHeaders.register(routes);
        // Request bodies are read with the body limits; everything else the mapper does is unchanged.
        ObjectMapper bodies = limits.applyTo(s.mapper());
        var access = new ApiAccess(s.apiKeys(), s.users(), s.guard());
        var creates = new IdempotentResponder(s.idempotentCreates(), s.mapper());
        new OpsRoutes(
                        s.registry(),
                        s.metrics(),
                        config.nodeName(),
                        s.version(),
                        s.stores().dialect(),
                        s.stores())
                .register(routes);
        new OpsApiRoutes(s.opsHistory(), s.agentStates(), access).register(routes);
        new TenantRoutes(s.stores().tenants(), access, s.audit(), bodies).register(routes);
        new ApiKeyRoutes(s.logins(), access, bodies, creates).register(routes);
        new TokenRoutes(s.enrolment(), access, bodies, creates).register(routes);
        new PolicyRoutes(s.policies(), access, bodies).register(routes);
        new AgentRoutes(s.agents(), s.agentStates(), access, bodies).register(routes);
        new LoginRoutes(
                        s.logins(),
                        access,
                        loginsPerAddress, // shared with the dashboard's sign-in form
                        loginsPerEmail,
                        bodies)
                .register(routes);
        new UserRoutes(s.logins(), access, bodies).register(routes);
        new AuditRoutes(s.auditLog(), access, bodies).register(routes);
        new DeviceRoutes(
                        s.devices(),
                        access,
                        new DeviceRoutes.Limits(
                                new RateLimiter(config.registerPerMinute(), s.clock()),
                                new RateLimiter(config.tokenPerMinute(), s.clock()),
                                new RateLimiter(config.registerPerMinute(), s.clock())),
                        s.baseUrl(),
                        bodies)
                .register(routes);
        new SessionRoutes(s.jobs(), s.capability(), s.baseUrl(), access, bodies, creates).register(routes);
        new PageLinkRoutes(s.stores().sessions(), s.capability(), access, s.audit()).register(routes);
        new AgentAuthRoutes(
                        s.enrolment(),
                        new EnrolmentLimiter(
                                s.stores().registrationTokens(),
                                s.stores().tenants(),
                                config.registerPerMinute(),
                                config.enrolmentPerMinute(),
                                config.tokenPerMinute(),
                                s.clock()),
                        new RateLimiter(config.tokenPerMinute(), s.clock()),
                        bodies)
                .register(routes);
        dashboard.register(routes);
        routes.wsBeforeUpgrade(Protocol.WEBSOCKET_PATH, s.agentEndpoint()::beforeUpgrade);
        routes.ws(Protocol.WEBSOCKET_PATH, s.agentEndpoint()::configure);
    }

    private static ServerConnector connector(
            Server server, HttpConfiguration httpConfig, HubConfig config, TlsMaterial tls) {
        ServerConnector connector;
        if (tls == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        } else {
            var ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(tls.password());
            ssl.setKeyManagerPassword(tls.password());
            var https = new HttpConfiguration(httpConfig);
            // Agents pin the certificate, and reach the hub by whatever name or address they were
            // given, so the SNI name need not match the certificate.
            https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            connector = new ServerConnector(
                    server,
                    new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(https));
        }
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        // Above the longest long-poll (60 s), so a waiting request is never cut off as idle.
        connector.setIdleTimeout(Duration.ofMinutes(2).toMillis());
        return connector;
    }

    /**
     * Starts listening.
     *
     * @throws PortInUseException if the address and port are taken
     */
    public void start() {
        try {
            javalin.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    throw new PortInUseException(config.bindAddress(), config.port(), e);
                }
            }
            throw e;
        }
    }

    /**
     * Every route the server answers, as {@code "GET /api/v1/tenants/{t}"}, WebSocket routes as
     * {@code "WS /path"}; read from Javalin's router, so a test can check that each has an owner.
     */
    public List<String> routes() {
        var router = javalin.unsafe.internalRouter;
        var all = new ArrayList<String>();
        router.allHttpHandlers().forEach(e -> {
            String method = e.endpoint.method.name();
            if (!method.startsWith("BEFORE") && !method.startsWith("AFTER")) { // filters (ApiHeaders), not routes
                all.add(method + " " + e.endpoint.path);
            }
        });
        router.allWsHandlers().forEach(e -> all.add("WS " + e.getPath()));
        return List.copyOf(all);
    }

    /** The dashboard's route table (see {@link Dashboard#routes()}). */
    public List<DashboardRoute> dashboardRoutes() {
        return dashboard.routes();
    }

    /** The port bound (the real one when configured with 0). */
    public int port() {
        return javalin.port();
    }

    public void stop() {
        dashboard.close(); // live streams hold requests open; end them so the server stops at once
        javalin.stop();
    }
}
