package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.Application;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.dashboard.Dashboard;
import io.enginex.edge.server.dashboard.DashboardRoute;
import io.enginex.edge.server.mcp.McpEndpoint;
import io.enginex.edge.server.mcp.McpParts;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.packages.Downloads;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.ratelimit.RateLimits;
import io.enginex.edge.server.tls.TlsMaterial;
import io.enginex.edge.server.update.UpdateRepository;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import io.javalin.security.Roles;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
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

    /** How long an MCP tool call waits for its job: below the 60 s request timeout MCP clients default to. */
    static final Duration MCP_MAX_WAIT = Duration.ofSeconds(50);

    private final Javalin javalin;
    private final HubConfig config;
    private final Dashboard dashboard;
    private final McpEndpoint mcp;
    private final Web web;

    /** @param tls the certificate to serve, or null for plain HTTP (loopback only, checked by HubConfig) */
    public WebServer(HubConfig config, TlsMaterial tls, Web web) {
        this.config = config;
        this.web = web;
        Clock clock = web.basics().clock();
        RateLimits limits = web.rateLimits();
        var logins = new LoginLimits(
                limits.limiter("login-address", config.registerPerMinute()), // registration's budget
                limits.limiter("login-email", LOGINS_PER_EMAIL_PER_MINUTE));
        var downloads = new Downloads(config.dataDir(), web.basics().mapper());
        UpdateRepository releases = new UpdateRepository(UpdateRepository.dirOf(config.dataDir()), clock);
        this.dashboard = new Dashboard(
                web,
                logins.perAddress(),
                logins.perEmail(),
                tls != null && tls.selfSigned() ? tls.fingerprint() : null,
                new Dashboard.Distribution(downloads, releases));
        this.mcp = mcp(config, web);
        this.javalin = Javalin.create(c -> {
            configure(c, config, tls, web.basics());
            c.jetty.modifyServletContextHandler(mcp::mount);
            api(c.routes, config, web, logins);
            agentApi(c.routes, config, web);
            new UpdateRoutes(releases).register(c.routes);
            dashboard.register(c.routes);
            new DownloadRoutes(downloads).register(c.routes);
            new OpenApiRoutes(
                            this::apiRoutes,
                            web.basics().version(),
                            web.basics().mapper())
                    .register(c.routes);
            Duration agentIdle = config.heartbeat().multipliedBy(4).plus(Duration.ofSeconds(10));
            c.jetty.modifyServletContextHandler(
                    context -> web.agentEndpoint().mount(context, agentIdle, config.trustedProxies()));
        });
    }

    /** The MCP endpoint at {@code /mcp}: a servlet beside Javalin's, over the same services. */
    private static McpEndpoint mcp(HubConfig config, Web web) {
        Application app = web.app();
        var parts = new McpParts(
                app.jobs(),
                app.agents(),
                web.ops().states(),
                app.mcpToolRules(),
                web.creates(),
                web.audit(),
                web.authentication().apiKeys(),
                app.oauth(),
                web.basics().mapper(),
                web.basics().baseUrl(),
                web.basics().version());
        var endpoint = new McpEndpoint(parts, Math.toIntExact(config.maxBodyBytes()), MCP_MAX_WAIT);
        web.live().listen(endpoint::toolsMayHaveChanged);
        web.ops().registry().onChange(endpoint::toolsMayHaveChanged);
        return endpoint;
    }

    /** The sign-in budgets, shared by the API's login and the dashboard's form. */
    private record LoginLimits(RateLimiter perAddress, RateLimiter perEmail) {}

    private static void configure(JavalinConfig c, HubConfig config, TlsMaterial tls, Web.Basics basics) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.concurrency.useVirtualThreads = true;
        c.http.maxRequestSize = config.maxBodyBytes();
        c.router.ignoreTrailingSlashes = true;
        TrustedProxies proxies = config.trustedProxies();
        c.contextResolver.ip = ctx -> proxies.clientAddress(ctx.req());
        c.jsonMapper(new JavalinJackson(basics.mapper(), true));
        c.jetty.addConnector((server, httpConfig) -> connector(server, httpConfig, config, tls));
        c.jetty.modifyWebSocketServletFactory(factory -> {
            // Above the protocol's limit, so a frame a little too large reaches the codec and is
            // answered with frame_too_large instead of Jetty closing the socket.
            factory.setMaxTextMessageSize(2L * FrameLimits.DEFAULT.maxFrameBytes());
            factory.setMaxBinaryMessageSize(64 * 1024);
            // The hub's heartbeat decides liveness; Jetty's idle timeout is only a backstop.
            factory.setIdleTimeout(config.heartbeat().multipliedBy(4).plus(Duration.ofSeconds(10)));
        });
        var limits = BodyLimits.forBodySize(config.maxBodyBytes());
        ErrorMapping.register(c.routes, limits, new RepeatedLog(basics.clock(), Duration.ofSeconds(60)));
        ApiHeaders.register(c.routes);
    }

    /** The REST API for people, scripts and the runtime: one adapter class per resource. */
    private static void api(RoutesConfig routes, HubConfig config, Web web, LoginLimits logins) {
        Application app = web.app();
        // Request bodies are read with the body limits; everything else the mapper does is unchanged.
        ObjectMapper bodies = BodyLimits.forBodySize(config.maxBodyBytes())
                .applyTo(web.basics().mapper());
        var auth = web.authentication();
        var access = new ApiAccess(auth.apiKeys(), auth.users(), auth.guard());
        var creates = new IdempotentResponder(web.creates(), web.basics().mapper());
        var ops = web.ops();
        new OpsRoutes(
                        ops.registry(),
                        ops.metrics(),
                        config.nodeName(),
                        web.basics().version(),
                        web.stores())
                .register(routes);
        new OpsApiRoutes(ops.history(), ops.nodes(), access).register(routes);
        new TenantRoutes(web.stores().tenants(), access, web.audit(), bodies).register(routes);
        new ApiKeyRoutes(app.logins(), access, bodies, creates).register(routes);
        new TokenRoutes(app.enrolment(), access, bodies, creates).register(routes);
        new PolicyRoutes(app.policies(), access, bodies).register(routes);
        new GraphRoutes(app.graphs(), app.graphRuns(), app.graphOutputs(), access, bodies, creates).register(routes);
        new GraphApprovalRoutes(app.graphApprovals(), access, bodies, creates).register(routes);
        new SecretRoutes(app.secrets(), access, bodies, creates).register(routes);
        new McpToolRuleRoutes(app.mcpToolRules(), access, bodies).register(routes);
        new OidcRoutes(app.sso(), access, bodies).register(routes);
        new OAuthRoutes(
                        app.oauth().metadata(),
                        app.oauth().clients(),
                        app.oauth().tokens(),
                        web.rateLimits().limiter("oauth-register", config.registerPerMinute()))
                .register(routes);
        new AgentRoutes(app.agents(), ops.states(), access, bodies).register(routes);
        new ReleaseRoutes(app.releases(), access, bodies).register(routes);
        new LoginRoutes(app.logins(), access, logins.perAddress(), logins.perEmail(), bodies).register(routes);
        new UserRoutes(app.logins(), access, bodies).register(routes);
        new AuditRoutes(app.auditLog(), access, bodies).register(routes);
        new SessionRoutes(app.jobs(), web.pageLinks(), access, bodies, creates).register(routes);
        new EventRoutes(app.jobEvents(), web.wakeups(), access, web.basics().mapper()).register(routes);
        new WebhookRoutes(app.webhooks(), access, bodies, creates).register(routes);
        new RuntimeEndpoint(access, new RuntimeChannel.Services(app.jobs(), web.creates(), bodies)).register(routes);
        new PageLinkRoutes(web.pageLinks(), access).register(routes);
        RateLimits limits = web.rateLimits();
        new DeviceRoutes(
                        app.devices(),
                        access,
                        new DeviceRoutes.Limits(
                                limits.limiter("device-start", config.registerPerMinute()),
                                limits.limiter("device-poll", config.tokenPerMinute()),
                                limits.limiter("device-lookup", config.registerPerMinute())),
                        web.basics().baseUrl(),
                        bodies)
                .register(routes);
    }

    /** The agent's own calls (no API key): register, access tokens, key rotation, deregistration. */
    private static void agentApi(RoutesConfig routes, HubConfig config, Web web) {
        RateLimits limits = web.rateLimits();
        var enrolmentLimit = new EnrolmentLimiter(
                web.stores().registrationTokens(),
                web.stores().tenants(),
                config.registerPerMinute(),
                config.enrolmentPerMinute(),
                config.tokenPerMinute(),
                limits.limiter("enrolment", config.registerPerMinute()),
                web.basics().clock());
        ObjectMapper bodies = BodyLimits.forBodySize(config.maxBodyBytes())
                .applyTo(web.basics().mapper());
        new AgentAuthRoutes(
                        web.app().enrolment(),
                        enrolmentLimit,
                        limits.limiter("agent-token", config.tokenPerMinute()),
                        bodies)
                .register(routes);
    }

    /** HTTP/1.1's ALPN protocol id (RFC 7301). */
    static final String ALPN_HTTP_1_1 = "http/1.1";

    /** HTTP/2 streams one client may have open on one connection: requests and long-polls in flight. */
    static final int MAX_STREAMS_PER_CONNECTION = 1024;

    private static ServerConnector connector(
            Server server, HttpConfiguration httpConfig, HubConfig config, TlsMaterial tls) {
        List<ConnectionFactory> factories = new ArrayList<>();
        if (tls == null) {
            factories.add(new HttpConnectionFactory(httpConfig));
        } else {
            var ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(tls.password());
            ssl.setKeyManagerPassword(tls.password());
            var https = new HttpConfiguration(httpConfig);
            // Agents pin the certificate, and reach the hub by whatever name or address they were
            // given, so the SNI name need not match the certificate.
            https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            // HTTP/2 for clients that offer it in ALPN (many requests and long-polls on one connection,
            // one TLS handshake), HTTP/1.1 for the rest; the agents' WebSocket upgrade is HTTP/1.1.
            var http1 = new HttpConnectionFactory(https);
            var http2 = new HTTP2ServerConnectionFactory(https);
            // A runtime keeps a long-poll open per job in flight: many per connection (Jetty's default: 128).
            http2.setMaxConcurrentStreams(MAX_STREAMS_PER_CONNECTION);
            // ALPN's ids, compared case-sensitively with what the client offers: "http/1.1", not Jetty's
            // "HTTP/1.1" (that refused every client offering only http/1.1, e.g. Node's fetch, so MCP
            // clients); Jetty finds the connection factory for the chosen id whatever its case.
            var alpn = new ALPNServerConnectionFactory(http2.getProtocol(), ALPN_HTTP_1_1);
            alpn.setDefaultProtocol(http1.getProtocol());
            factories.addAll(List.of(new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2, http1));
        }
        if (config.proxyProtocol()) {
            // Before TLS: a balancer passing TLS through names the client ahead of the handshake.
            factories.addFirst(new TrustedProxyProtocol(
                    config.trustedProxies(), factories.getFirst().getProtocol()));
        }
        var connector = new ServerConnector(server, factories.toArray(ConnectionFactory[]::new));
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
        all.add("WS " + Protocol.WEBSOCKET_PATH); // the agent socket: a servlet of its own (AgentEndpoint.mount)
        return List.copyOf(all);
    }

    /**
     * The routes {@code /openapi.json} describes: every HTTP route Javalin serves but the dashboard's
     * (its own route table, {@link #dashboardRoutes()}), with the {@link ApiTrait}s it was registered with.
     */
    private List<OpenApiDocument.Route> apiRoutes() {
        var dashboardKeys = new HashSet<String>();
        dashboard.routes().forEach(d -> dashboardKeys.add(d.key()));
        var all = new ArrayList<OpenApiDocument.Route>();
        for (var e : javalin.unsafe.internalRouter.allHttpHandlers()) {
            String method = e.endpoint.method.name();
            String key = method + " " + e.endpoint.path;
            if (!OpenApiDocument.isOperation(method) || dashboardKeys.contains(key)) {
                continue;
            }
            Roles roles = e.endpoint.metadata(Roles.class);
            var traits = new HashSet<ApiTrait>();
            if (roles != null) {
                roles.getRoles().forEach(r -> {
                    if (r instanceof ApiTrait t) {
                        traits.add(t);
                    }
                });
            }
            all.add(new OpenApiDocument.Route(method, e.endpoint.path, traits));
        }
        return all;
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
        mcp.close(); // and so do MCP clients' event streams
        web.wakeups().close(); // and the job event streams
        javalin.stop();
    }
}
