package io.enginex.edge.server.dashboard;

import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.server.Application;
import io.enginex.edge.server.http.Web;
import io.enginex.edge.server.packages.Downloads;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.update.UpdateRepository;
import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * The web dashboard under {@code /ui}: server-rendered JTE pages, htmx for small interactions and
 * server-sent events for the parts that change live. {@link #register} is the one list of the page
 * classes the hub serves; add a {@link PageGroup} there (and its navigation entry in {@link Nav},
 * and a row per route in TenantIsolationIT). Every route goes through {@link Pages}, which records
 * it in the route table ({@link #routes()}) that the isolation and header tests go over. Built once per hub; {@link #close} ends the live
 * streams before the server stops.
 */
public final class Dashboard implements AutoCloseable {
    private final Web web;
    private final RateLimiter loginsPerAddress;
    private final RateLimiter loginsPerEmail;
    private final String pin;
    private final Templates templates = new Templates();
    private final Assets assets = new Assets();
    private List<DashboardRoute> table = List.of();

    private final Downloads downloads;
    private final UpdateRepository releases;

    /**
     * What the hub hands out to machines, for the pages that show it.
     *
     * @param downloads the installers published to this hub (engine packages publish), for the install commands
     * @param releases the update repository (engine release), whose channels the fleet page shows
     */
    public record Distribution(Downloads downloads, UpdateRepository releases) {}

    /**
     * @param loginsPerAddress the API login's limiter, shared so the form and the API spend one budget
     * @param loginsPerEmail likewise, per email
     * @param pin the certificate fingerprint agents must pin (a self-signed hub), for the install commands; or null
     * @param distribution the installers and the update repository the hub serves
     */
    public Dashboard(
            Web web, RateLimiter loginsPerAddress, RateLimiter loginsPerEmail, String pin, Distribution distribution) {
        this.downloads = distribution.downloads();
        this.releases = distribution.releases();
        this.web = web;
        this.pin = pin;
        this.loginsPerAddress = loginsPerAddress;
        this.loginsPerEmail = loginsPerEmail;
    }

    /** Registers every dashboard route. */
    public void register(RoutesConfig routes) {
        Application app = web.app();
        var basics = web.basics();
        var ops = web.ops();
        var fleet = new Fleet(
                web.stores().agents(),
                ops.states(),
                ops.registry(),
                web.stores().agentUpdates(),
                releases::channelsIfAny);
        var pages = new Pages(routes, new SignIn(web.authentication().users()), templates, assets, web.live());
        pages.asset(Assets.ROUTE, assets::serve);
        // The dashboard's pages, one line per group; the order is the order of registration only.
        List<PageGroup> groups = List.of(
                new SignInPages(app.logins(), app.sso(), loginsPerAddress, loginsPerEmail),
                new SingleSignOnPages(app.sso(), loginsPerAddress),
                new FleetPages(app.agents(), fleet, ops.states(), app.auditLog(), basics.clock(), basics.mapper()),
                new SessionPages(app.jobs(), web.stores(), fleet, web.pageLinks(), basics.mapper()),
                new RegistrationPages(
                        app.enrolment(), basics.clock(), basics.baseUrl(), basics.version(), pin, downloads),
                new DownloadPages(downloads, basics.baseUrl(), basics.version(), pin),
                new ApprovalPages(app.jobs(), app.policies(), web.stores(), basics.mapper()),
                new GraphApprovalPages(app.graphApprovals(), web.creates(), basics.mapper()),
                new DevicePages(
                        app.devices(),
                        web.rateLimits().limiter("device-page-lookup", DevicePages.LOOKUPS_PER_MINUTE),
                        app.agents()),
                new PolicyPages(app.policies(), app.agents(), app.logins(), basics.mapper()),
                new FailedEnrolmentPages(app.auditLog(), app.enrolment(), basics.clock(), basics.mapper()),
                new UserPages(app.logins()),
                new ApiKeyPages(app.logins(), web.creates()),
                new OpsPages(ops.history(), ops.nodes()),
                new AuditPages(app.auditLog()),
                new GraphPages(
                        app.graphs(),
                        app.graphRuns(),
                        app.graphOutputs(),
                        new GraphFormat(basics.mapper()),
                        app.logins(),
                        app.graphApprovals()),
                new WebhookPages(app.webhooks()),
                new OAuthConsentPages(app.oauth().authorization()));
        groups.forEach(g -> g.register(pages));
        table = pages.table();
    }

    /**
     * The dashboard's route table: every route {@link #register} added, with its kind and minimum
     * role; empty before {@link #register}.
     */
    public List<DashboardRoute> routes() {
        return table;
    }

    @Override
    public void close() {
        web.live().close();
    }
}
