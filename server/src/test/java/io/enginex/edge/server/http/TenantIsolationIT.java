package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.dashboard.DashboardRoute;
import io.enginex.edge.server.dashboard.Pages;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.TestOidcProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant-isolation proof: every route the hub serves (read from Javalin's router at runtime)
 * has a row in {@link #MATRIX}, and every tenant route is called by every principal of tenant A —
 * API keys of each role, a logged-in owner, the platform key and no key — against tenant B's
 * objects (B in the path, and B's ids under A's path) and against A's own, asserting no
 * cross-tenant read or write and the role limits. A route added without a row fails {@link
 * #everyRouteHasARowInTheMatrix}.
 *
 * <p>Dashboard routes are also checked against the dashboard's own route table ({@link
 * DashboardRoute}, {@link #everyDashboardRouteIsInTheRouteTableWithTheRowsRole}): a live stream is
 * found there, so each one — also one added later — is opened as a browser opens it and its first
 * event read, and must carry none of B's data; B's ids in its path answer 404. The same table drives
 * {@link #everyPageSendsTheDocumentedCspAndHasNothingInline}.
 */
class TenantIsolationIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static TestOidcProvider idp;
    static Fixture a;
    static Fixture b;

    /** Who may call a route. */
    enum Access {
        /** No credential; says in {@link Row#note} what protects it and which test proves that. */
        PUBLIC,
        /** Any authenticated caller; answers only about the caller. */
        ANY,
        /** Platform key only. */
        PLATFORM,
        /** Callers of the tenant in the path with at least {@link Row#minimum}, and the platform key. */
        TENANT,
        /**
         * Admins of any tenant and the platform key: device approval, where the code belongs to no
         * tenant until approved into the approver's own (DeviceFlowIT.onlyAdminsApproveAndOnlyIntoTheirOwnTenant).
         */
        APPROVER,
        /**
         * Admins of any tenant and the platform key: the ops console's numbers, the caller's tenant's
         * only (the whole node's for the platform key), naming no tenant. That they count no other
         * tenant's agents and jobs is proven by OpsTenantScopeIT.aTenantsAdminSeesOnlyItsOwnAgentsAndJobs
         * (and, for the hub nodes' agent counts, ClusterIT.theNodesAreListedWithAgentCountsForThePlatformOnly).
         */
        OPS,
        /**
         * A dashboard page or action (under {@code /ui}): only a browser signed in to the tenant with at
         * least {@link Row#minimum}; the tenant is the session's, never in the path, so another
         * tenant's ids answer 404. No cookie (and any API key) is sent to the sign-in page.
         */
        DASHBOARD
    }

    /**
     * One route: {@code "METHOD /path"} as Javalin registered it, who may call it, and how to fill it
     * in for a tenant's objects.
     */
    record Row(String route, Access access, String minimum, Function<Fixture, String> path, Object body, String note) {
        String method() {
            return route.substring(0, route.indexOf(' '));
        }
    }

    static Row tenant(String route, String minimum, Function<Fixture, String> path, Object body) {
        return new Row(route, Access.TENANT, minimum, path, body, null);
    }

    static Row other(String route, Access access, Function<Fixture, String> path, Object body, String note) {
        return new Row(route, access, null, path, body, note);
    }

    static Row page(String route, String minimum, Function<Fixture, String> path) {
        return new Row(route, Access.DASHBOARD, minimum, path, null, null);
    }

    /** A graph document, named as each fixture's graph (so a new version of it is valid). */
    static final Map<String, Object> GRAPH =
            Map.of("version", 1, "name", "matrix", "steps", List.of(Map.of("id", "list", "tool", "fs.list")));

    /** Where the matrix's webhooks point: a closed loopback port (the hub here allows private targets). */
    static final String WEBHOOK_TARGET = "http://127.0.0.1:9/matrix";

    /** The matrix. Destructive rows come last, so earlier rows still find A's objects live. */
    static final List<Row> MATRIX = List.of(
            other("GET /healthz", Access.PUBLIC, f -> "/healthz", null, "liveness; no tenant data (counts only)"),
            other("GET /metrics", Access.PUBLIC, f -> "/metrics", null, "process metrics; no tenant ids"),
            other("GET /livez", Access.PUBLIC, f -> "/livez", null, "liveness; no data"),
            other(
                    "GET /openapi.json",
                    Access.PUBLIC,
                    f -> "/openapi.json",
                    null,
                    "the API's description: routes and schemes, no data (OpenApiIT)"),
            other(
                    "GET /updates/metadata/{file}",
                    Access.PUBLIC,
                    f -> "/updates/metadata/timestamp.json",
                    null,
                    "signed TUF metadata of agent releases; no tenant data"),
            other(
                    "GET /updates/targets/<path>",
                    Access.PUBLIC,
                    f -> "/updates/targets/channels/stable.json",
                    null,
                    "signed agent release files; no tenant data"),
            other("GET /readyz", Access.PUBLIC, f -> "/readyz", null, "readiness (database answers); no data"),
            other(
                    "GET /.well-known/oauth-protected-resource",
                    Access.PUBLIC,
                    f -> "/.well-known/oauth-protected-resource",
                    null,
                    "RFC 9728 metadata of /mcp: the hub's URLs, no tenant data (McpOAuthIT)"),
            other(
                    "GET /.well-known/oauth-protected-resource/mcp",
                    Access.PUBLIC,
                    f -> "/.well-known/oauth-protected-resource/mcp",
                    null,
                    "the same, path-suffixed (RFC 9728 §3.1); McpOAuthIT"),
            other(
                    "GET /.well-known/oauth-authorization-server",
                    Access.PUBLIC,
                    f -> "/.well-known/oauth-authorization-server",
                    null,
                    "RFC 8414 metadata: endpoints and methods, no tenant data (McpOAuthIT)"),
            other(
                    "POST /oauth/register",
                    Access.PUBLIC,
                    f -> "/oauth/register",
                    null,
                    "RFC 7591: a public client that can do nothing until a signed-in person consents; rate-limited"
                            + " per address (McpOAuthIT)"),
            other(
                    "POST /oauth/token",
                    Access.PUBLIC,
                    f -> "/oauth/token",
                    null,
                    "a one-time code with its PKCE verifier, or a refresh token; a token acts only in its user's"
                            + " tenant (McpOAuthIT.aTokenOfOneTenantReachesNothingOfAnother)"),
            other(
                    "POST /oauth/revoke",
                    Access.PUBLIC,
                    f -> "/oauth/revoke",
                    null,
                    "RFC 7009: revokes only a token of the client that sends it (McpOAuthIT)"),
            other(
                    "POST /api/v1/login",
                    Access.PUBLIC,
                    f -> "/api/v1/login",
                    null,
                    "IdentityIT.wrongPasswordAndUnknownEmailFailAlikeAndAreAudited"),
            other(
                    "POST /api/v1/logout",
                    Access.PUBLIC,
                    f -> "/api/v1/logout",
                    null,
                    "IdentityIT.logoutEndsTheSessionAndAPasswordResetEndsEveryOther"),
            other(
                    "POST /api/v1/agent/register",
                    Access.PUBLIC,
                    f -> "/api/v1/agent/register",
                    null,
                    "registration token; RegistrationIT"),
            other(
                    "POST /api/v1/agent/token",
                    Access.PUBLIC,
                    f -> "/api/v1/agent/token",
                    null,
                    "signed agent assertion; RegistrationIT"),
            other("GET /", Access.PUBLIC, f -> "/", null, "redirects to /ui"),
            other(
                    "GET /downloads",
                    Access.PUBLIC,
                    f -> "/downloads",
                    null,
                    "published installers' index; no tenant data (PackagesCommandIT)"),
            other(
                    "GET /downloads/<path>",
                    Access.PUBLIC,
                    f -> "/downloads/index.json",
                    null,
                    "installers, signatures, the package key, apt/dnf repositories; no tenant data (PackagesCommandIT)"),
            other(
                    "GET /device",
                    Access.PUBLIC,
                    f -> "/device",
                    null,
                    "the device flow's verification URI; redirects to /ui/device, which needs an admin's session"),
            other("GET /ui", Access.PUBLIC, f -> "/ui", null, "redirects to the sign-in page or the fleet"),
            other("GET /ui/login", Access.PUBLIC, f -> "/ui/login", null, "the sign-in form; DashboardIT"),
            other(
                    "GET /ui/login/oidc",
                    Access.PUBLIC,
                    f -> "/ui/login/oidc?tenant=" + f.tenant,
                    null,
                    "starts a single sign-on at the tenant's provider (a redirect there), no tenant data;"
                            + " OidcSignInIT"),
            other(
                    "GET /ui/login/oidc/callback",
                    Access.PUBLIC,
                    f -> "/ui/login/oidc/callback?code=x&state=y",
                    null,
                    "the provider's answer: needs the sealed state cookie of a sign-in this browser started"
                            + " and signs in to that sign-in's tenant only;"
                            + " OidcSignInIT.aTenantsProviderSignsPeopleIntoThatTenantOnly"),
            other(
                    "GET /ui/password",
                    Access.PUBLIC,
                    f -> "/ui/password",
                    null,
                    "the session's own user only (also a one-time password's session); without one, the sign-in"
                            + " page; PasswordsIT"),
            other(
                    "POST /ui/password",
                    Access.PUBLIC,
                    f -> "/ui/password",
                    null,
                    "the session's own user only, its CSRF token and current password; PasswordsIT"),
            other(
                    "POST /api/v1/me/password",
                    Access.PUBLIC,
                    f -> "/api/v1/me/password",
                    null,
                    "the session cookie's own user only (no tenant, no id in the path), its CSRF token and"
                            + " current password; API keys are refused; PasswordsIT"),
            other(
                    "POST /ui/login",
                    Access.PUBLIC,
                    f -> "/ui/login",
                    null,
                    "double-submit CSRF token, API login rate limits; DashboardIT"),
            other(
                    "GET /ui/assets/{name}",
                    Access.PUBLIC,
                    f -> "/ui/assets/htmx-2.0.8.min.js",
                    null,
                    "static files, no tenant data"),
            other(
                    "POST /api/v1/agent/rotate-key",
                    Access.PUBLIC,
                    f -> "/api/v1/agent/rotate-key",
                    null,
                    "old-key assertion + new-key proof; KeyRotationIT"),
            other(
                    "POST /api/v1/agent/deregister",
                    Access.PUBLIC,
                    f -> "/api/v1/agent/deregister",
                    null,
                    "the agent's own signed assertion, names no tenant;"
                            + " DeregistrationIT.anAssertionDeregistersOnlyTheAgentWhoseKeySignedIt"),
            other(
                    "POST /api/v1/agent/device/authorize",
                    Access.PUBLIC,
                    f -> "/api/v1/agent/device/authorize",
                    null,
                    "rate-limited; DeviceFlowIT"),
            other(
                    "POST /api/v1/agent/device/token",
                    Access.PUBLIC,
                    f -> "/api/v1/agent/device/token",
                    null,
                    "device code secret; DeviceFlowIT"),
            other("GET /api/v1/device/{code}", Access.APPROVER, f -> "/api/v1/device/BCDF-GHJK", null, null),
            other(
                    "POST /api/v1/device/{code}/approve",
                    Access.APPROVER,
                    f -> "/api/v1/device/BCDF-GHJK/approve",
                    Map.of(),
                    null),
            other(
                    "POST /api/v1/device/{code}/deny",
                    Access.APPROVER,
                    f -> "/api/v1/device/BCDF-GHJK/deny",
                    Map.of(),
                    null),
            other("GET /api/v1/me", Access.ANY, f -> "/api/v1/me", null, null),
            other("GET /api/v1/tenants", Access.ANY, f -> "/api/v1/tenants", null, null),
            other("POST /api/v1/tenants", Access.PLATFORM, f -> "/api/v1/tenants", "newTenant", null),
            other("GET /api/v1/audit", Access.PLATFORM, f -> "/api/v1/audit", null, null),
            other("GET /api/v1/audit/verify", Access.PLATFORM, f -> "/api/v1/audit/verify", null, null),
            other("GET /api/v1/ops/metrics", Access.OPS, f -> "/api/v1/ops/metrics", null, null),
            other("GET /api/v1/ops/nodes", Access.OPS, f -> "/api/v1/ops/nodes", null, null),
            tenant("GET /api/v1/tenants/{t}", "viewer", f -> t(f), null),
            tenant("GET /api/v1/tenants/{t}/agents", "viewer", f -> t(f) + "/agents", null),
            tenant("GET /api/v1/tenants/{t}/agents/{id}", "viewer", f -> t(f) + "/agents/" + f.agent.agentId(), null),
            tenant(
                    "GET /api/v1/tenants/{t}/agents/{id}/connections",
                    "viewer",
                    f -> t(f) + "/agents/" + f.agent.agentId() + "/connections",
                    null),
            tenant("GET /api/v1/tenants/{t}/registration-tokens", "viewer", f -> t(f) + "/registration-tokens", null),
            tenant(
                    "POST /api/v1/tenants/{t}/registration-tokens",
                    "operator",
                    f -> t(f) + "/registration-tokens",
                    Map.of()),
            tenant("GET /api/v1/tenants/{t}/sessions", "viewer", f -> t(f) + "/sessions", null),
            tenant("POST /api/v1/tenants/{t}/sessions", "operator", f -> t(f) + "/sessions", Map.of("name", "matrix")),
            tenant("GET /api/v1/tenants/{t}/sessions/{sid}", "viewer", f -> t(f) + "/sessions/" + f.session, null),
            tenant(
                    "GET /api/v1/tenants/{t}/sessions/{sid}/links",
                    "operator",
                    f -> t(f) + "/sessions/" + f.session + "/links",
                    null),
            tenant(
                    "POST /api/v1/tenants/{t}/sessions/{sid}/jobs",
                    "operator",
                    f -> t(f) + "/sessions/" + f.session + "/jobs",
                    "job"),
            tenant("GET /api/v1/tenants/{t}/jobs/{id}", "viewer", f -> t(f) + "/jobs/" + f.job, null),
            // job event streams: read as streams (their first event), see checkTenant
            tenant("GET /api/v1/tenants/{t}/events", "viewer", f -> t(f) + "/events", null),
            tenant(
                    "GET /api/v1/tenants/{t}/sessions/{sid}/events",
                    "viewer",
                    f -> t(f) + "/sessions/" + f.session + "/events",
                    null),
            tenant("GET /api/v1/tenants/{t}/jobs", "viewer", f -> t(f) + "/jobs?state=awaiting_approval", null),
            tenant(
                    "POST /api/v1/tenants/{t}/jobs/{id}/approve",
                    "operator",
                    f -> t(f) + "/jobs/" + f.job + "/approve",
                    Map.of("reason", "matrix")),
            tenant(
                    "POST /api/v1/tenants/{t}/jobs/{id}/deny",
                    "operator",
                    f -> t(f) + "/jobs/" + f.job + "/deny",
                    Map.of("reason", "matrix")),
            tenant("GET /api/v1/tenants/{t}/releases", "viewer", f -> t(f) + "/releases", null),
            tenant("GET /api/v1/tenants/{t}/update-pin", "viewer", f -> t(f) + "/update-pin", null),
            // the hub's repository has a channel stable (start()); a clear finds a pin set just before each call
            tenant(
                    "POST /api/v1/tenants/{t}/update-pin",
                    "admin",
                    f -> t(f) + "/update-pin",
                    Map.of("channel", "stable")),
            tenant("DELETE /api/v1/tenants/{t}/update-pin", "admin", f -> f.pinned(), null),
            tenant("GET /api/v1/tenants/{t}/policies", "viewer", f -> t(f) + "/policies", null),
            tenant("GET /api/v1/tenants/{t}/policies/{id}", "viewer", f -> t(f) + "/policies/" + f.policy, null),
            tenant(
                    "POST /api/v1/tenants/{t}/policies",
                    "admin",
                    f -> t(f) + "/policies",
                    Map.of("scope", "label:matrix", "policy", Map.of("version", 1, "tools", List.of("fs.list")))),
            tenant("GET /api/v1/tenants/{t}/graphs", "viewer", f -> t(f) + "/graphs", null),
            tenant("GET /api/v1/tenants/{t}/graphs/{id}", "viewer", f -> t(f) + "/graphs/" + f.graph, null),
            tenant(
                    "GET /api/v1/tenants/{t}/graphs/{id}/versions",
                    "viewer",
                    f -> t(f) + "/graphs/" + f.graph + "/versions",
                    null),
            tenant(
                    "GET /api/v1/tenants/{t}/graphs/{id}/runs",
                    "viewer",
                    f -> t(f) + "/graphs/" + f.graph + "/runs",
                    null),
            tenant(
                    "GET /api/v1/tenants/{t}/graph-runs/{runId}",
                    "viewer",
                    f -> t(f) + "/graph-runs/" + f.graphRun,
                    null),
            // the fixture's run has a step "big" whose output was uploaded as a file
            tenant(
                    "GET /api/v1/tenants/{t}/graph-runs/{runId}/steps/{step}/output",
                    "viewer",
                    f -> t(f) + "/graph-runs/" + f.graphRun + "/steps/big/output",
                    null),
            tenant(
                    "GET /api/v1/tenants/{t}/graphs/{id}/versions/{v}",
                    "viewer",
                    f -> t(f) + "/graphs/" + f.graph + "/versions/1",
                    null),
            // the first allowed caller defines it, the others are told graph_exists (409)
            tenant(
                    "POST /api/v1/tenants/{t}/graphs",
                    "admin",
                    f -> t(f) + "/graphs",
                    Map.of("scope", "label:matrix", "document", GRAPH)),
            tenant(
                    "POST /api/v1/tenants/{t}/graphs/{id}/versions",
                    "admin",
                    f -> t(f) + "/graphs/" + f.graph + "/versions",
                    Map.of("document", GRAPH)),
            // the agent of the path's tenant; an allowed caller's start is queued for it (202)
            tenant(
                    "POST /api/v1/tenants/{t}/graphs/{id}/start",
                    "operator",
                    f -> t(f) + "/graphs/" + f.graph + "/start",
                    "graphStart"),
            tenant("GET /api/v1/tenants/{t}/graph-starts", "viewer", f -> t(f) + "/graph-starts", null),
            tenant(
                    "GET /api/v1/tenants/{t}/graph-starts/{startId}",
                    "viewer",
                    f -> t(f) + "/graph-starts/" + f.graphStart,
                    null),
            // the fixture's start was sent at the agent's hello: an allowed caller is told graph_start_not_queued (409)
            tenant(
                    "POST /api/v1/tenants/{t}/graph-starts/{startId}/cancel",
                    "operator",
                    f -> t(f) + "/graph-starts/" + f.graphStart + "/cancel",
                    Map.of()),
            tenant("GET /api/v1/tenants/{t}/graph-approvals", "viewer", f -> t(f) + "/graph-approvals", null),
            tenant(
                    "GET /api/v1/tenants/{t}/graph-approvals/{id}",
                    "viewer",
                    f -> t(f) + "/graph-approvals/" + f.graphApproval,
                    null),
            // the first allowed caller decides the fixture's approval; the next are told graph_approval_not_waiting
            tenant(
                    "POST /api/v1/tenants/{t}/graph-approvals/{id}/approve",
                    "operator",
                    f -> t(f) + "/graph-approvals/" + f.graphApproval + "/approve",
                    Map.of("reason", "matrix")),
            tenant(
                    "POST /api/v1/tenants/{t}/graph-approvals/{id}/deny",
                    "operator",
                    f -> t(f) + "/graph-approvals/" + f.graphApproval + "/deny",
                    Map.of("reason", "matrix")),
            tenant("GET /api/v1/tenants/{t}/secrets", "viewer", f -> t(f) + "/secrets", null),
            tenant("GET /api/v1/tenants/{t}/secrets/{name}", "viewer", f -> t(f) + "/secrets/" + f.secret, null),
            tenant(
                    "POST /api/v1/tenants/{t}/secrets",
                    "admin",
                    f -> t(f) + "/secrets",
                    Map.of("name", "matrix", "value", "matrix-value", "scope", "label:matrix")),
            tenant(
                    "GET /api/v1/tenants/{t}/agents/{id}/vault",
                    "viewer",
                    f -> t(f) + "/agents/" + f.agent.agentId() + "/vault",
                    null),
            tenant("GET /api/v1/tenants/{t}/mcp/tool-rules", "viewer", f -> t(f) + "/mcp/tool-rules", null),
            tenant(
                    "PUT /api/v1/tenants/{t}/mcp/tool-rules",
                    "admin",
                    f -> t(f) + "/mcp/tool-rules",
                    Map.of("roles", Map.of("viewer", Map.of("deny", List.of("exec"))))),
            tenant("DELETE /api/v1/tenants/{t}/mcp/tool-rules", "admin", f -> t(f) + "/mcp/tool-rules", null),
            tenant("GET /api/v1/tenants/{t}/devices", "admin", f -> t(f) + "/devices?status=pending", null),
            tenant("GET /api/v1/tenants/{t}/oidc", "admin", f -> t(f) + "/oidc", null),
            tenant("PUT /api/v1/tenants/{t}/oidc", "admin", f -> t(f) + "/oidc", "oidc"),
            tenant("PATCH /api/v1/tenants/{t}", "admin", f -> t(f), Map.of("enrolmentRatePerMinute", 50)),
            tenant("GET /api/v1/tenants/{t}/webhooks", "admin", f -> t(f) + "/webhooks", null),
            tenant(
                    "POST /api/v1/tenants/{t}/webhooks",
                    "admin",
                    f -> t(f) + "/webhooks",
                    Map.of("url", WEBHOOK_TARGET, "eventTypes", List.of("job.finished"))),
            tenant(
                    "GET /api/v1/tenants/{t}/webhooks/{id}/deliveries",
                    "admin",
                    f -> t(f) + "/webhooks/" + f.webhook + "/deliveries",
                    null),
            tenant("GET /api/v1/tenants/{t}/api-keys", "admin", f -> t(f) + "/api-keys", null),
            tenant("POST /api/v1/tenants/{t}/api-keys", "admin", f -> t(f) + "/api-keys", Map.of("role", "viewer")),
            tenant("GET /api/v1/tenants/{t}/users", "admin", f -> t(f) + "/users", null),
            tenant("POST /api/v1/tenants/{t}/users", "admin", f -> t(f) + "/users", "user"),
            tenant("GET /api/v1/tenants/{t}/audit", "admin", f -> t(f) + "/audit", null),
            tenant("GET /api/v1/tenants/{t}/audit/verify", "admin", f -> t(f) + "/audit/verify", null),
            tenant(
                    "POST /api/v1/tenants/{t}/users/{id}/password",
                    "admin",
                    f -> t(f) + "/users/" + f.user + "/password",
                    Map.of()),
            // the fixture's user is a viewer: each allowed caller gives them the role they have
            tenant(
                    "PATCH /api/v1/tenants/{t}/users/{id}",
                    "admin",
                    f -> t(f) + "/users/" + f.user,
                    Map.of("role", "viewer")),
            tenant(
                    "PUT /api/v1/tenants/{t}/agents/{id}/labels",
                    "operator",
                    f -> t(f) + "/agents/" + f.agent.agentId() + "/labels",
                    Map.of("labels", List.of("matrix"))),
            // before the revoke row: an allowed caller gets 409 agent_not_revoked, which names the agent
            tenant(
                    "POST /api/v1/tenants/{t}/agents/{id}/archive",
                    "operator",
                    f -> t(f) + "/agents/" + f.agent.agentId() + "/archive",
                    Map.of()),
            tenant(
                    "DELETE /api/v1/tenants/{t}/registration-tokens/{id}",
                    "operator",
                    f -> t(f) + "/registration-tokens/" + f.token,
                    null),
            tenant("DELETE /api/v1/tenants/{t}/api-keys/{id}", "admin", f -> t(f) + "/api-keys/" + f.spareKey, null),
            // a fresh endpoint per call, so each allowed caller deletes a live one
            tenant(
                    "DELETE /api/v1/tenants/{t}/webhooks/{id}",
                    "admin",
                    f -> t(f) + "/webhooks/" + f.spareWebhook(),
                    null),
            // single sign-on set again before each call, so each allowed caller removes a live one
            tenant("DELETE /api/v1/tenants/{t}/oidc", "admin", f -> f.spareOidc(), null),
            // a fresh policy per call, so each allowed caller finds one to delete
            tenant(
                    "DELETE /api/v1/tenants/{t}/policies/{id}",
                    "admin",
                    f -> t(f) + "/policies/" + f.sparePolicy(),
                    null),
            // a fresh graph per call, so each allowed caller withdraws a live one
            tenant(
                    "POST /api/v1/tenants/{t}/graphs/{id}/withdraw",
                    "admin",
                    f -> t(f) + "/graphs/" + f.spareGraph() + "/withdraw",
                    Map.of()),
            // a fresh secret per call, so each allowed caller finds one to delete
            tenant(
                    "DELETE /api/v1/tenants/{t}/secrets/{name}",
                    "admin",
                    f -> t(f) + "/secrets/" + f.spareSecret(),
                    null),
            tenant(
                    "POST /api/v1/tenants/{t}/agents/{id}/vault/wipe",
                    "admin",
                    f -> t(f) + "/agents/" + f.agent.agentId() + "/vault/wipe",
                    Map.of()),
            // a fresh page link per call (a new API key each time), so each allowed caller revokes a live one
            tenant(
                    "POST /api/v1/tenants/{t}/sessions/{sid}/links/{id}/revoke",
                    "operator",
                    f -> t(f) + "/sessions/" + f.session + "/links/" + f.spareLink() + "/revoke",
                    Map.of()),
            tenant(
                    "POST /api/v1/tenants/{t}/agents/{id}/revoke",
                    "operator",
                    f -> t(f) + "/agents/" + f.agent.agentId() + "/revoke",
                    Map.of()),
            // Dashboard pages (DashboardIT and the browser tests in e2e show what they do).
            page("GET /ui/fleet", "viewer", f -> "/ui/fleet"),
            page("GET /ui/fleet/live", "viewer", f -> "/ui/fleet/live"),
            page("GET /ui/fleet.csv", "viewer", f -> "/ui/fleet.csv"),
            page("GET /ui/agents/{id}", "viewer", f -> "/ui/agents/" + f.agent.agentId()),
            page("POST /ui/agents/{id}/revoke", "operator", f -> "/ui/agents/" + f.agent.agentId() + "/revoke"),
            page("POST /ui/agents/{id}/labels", "operator", f -> "/ui/agents/" + f.agent.agentId() + "/labels"),
            page("POST /ui/agents/{id}/archive", "operator", f -> "/ui/agents/" + f.agent.agentId() + "/archive"),
            page("GET /ui/users", "admin", f -> "/ui/users"),
            page("POST /ui/users", "admin", f -> "/ui/users"),
            page("POST /ui/users/{id}/password", "admin", f -> "/ui/users/" + f.user + "/password"),
            page("POST /ui/users/{id}/role", "admin", f -> "/ui/users/" + f.user + "/role"),
            // disabled, then enabled again by the next row, so the fixture's user stays usable
            page("POST /ui/users/{id}/disable", "admin", f -> "/ui/users/" + f.user + "/disable"),
            page("POST /ui/users/{id}/enable", "admin", f -> "/ui/users/" + f.user + "/enable"),
            page("GET /ui/api-keys", "admin", f -> "/ui/api-keys"),
            page("POST /ui/api-keys", "admin", f -> "/ui/api-keys"),
            page("POST /ui/api-keys/{id}/revoke", "admin", f -> "/ui/api-keys/" + f.spareKey + "/revoke"),
            page("GET /ui/sessions", "viewer", f -> "/ui/sessions"),
            page("POST /ui/sessions", "operator", f -> "/ui/sessions"),
            // without a login, a valid ?t= capability opens it read-only (SessionPageIT), and only the
            // session it was made for (aCapabilityLinkOpensOnlyItsOwnSession)
            page("GET /ui/sessions/{sid}", "viewer", f -> "/ui/sessions/" + f.session),
            page("GET /ui/sessions/{sid}/live", "viewer", f -> "/ui/sessions/" + f.session + "/live"),
            page("POST /ui/sessions/{sid}/jobs", "operator", f -> "/ui/sessions/" + f.session + "/jobs"),
            page(
                    "POST /ui/sessions/{sid}/links/{id}/revoke",
                    "operator",
                    f -> "/ui/sessions/" + f.session + "/links/" + f.spareLink() + "/revoke"),
            page(
                    "GET /ui/sessions/{sid}/jobs/{jid}/download",
                    "viewer",
                    f -> "/ui/sessions/" + f.session + "/jobs/" + f.job + "/download"),
            page("GET /ui/registration", "operator", f -> "/ui/registration"),
            page("GET /ui/downloads", "operator", f -> "/ui/downloads"),
            page("POST /ui/registration/tokens", "operator", f -> "/ui/registration/tokens"),
            page(
                    "POST /ui/registration/tokens/{id}/revoke",
                    "operator",
                    f -> "/ui/registration/tokens/" + f.token + "/revoke"),
            page("GET /ui/approvals", "viewer", f -> "/ui/approvals"),
            page("GET /ui/approvals/live", "viewer", f -> "/ui/approvals/live"),
            page("GET /ui/approvals/{id}", "viewer", f -> "/ui/approvals/" + f.job),
            page("GET /ui/approvals/{id}/live", "viewer", f -> "/ui/approvals/" + f.job + "/live"),
            page("POST /ui/approvals/{id}/approve", "operator", f -> "/ui/approvals/" + f.job + "/approve"),
            page("POST /ui/approvals/{id}/deny", "operator", f -> "/ui/approvals/" + f.job + "/deny"),
            page("GET /ui/graph-approvals/{id}", "viewer", f -> "/ui/graph-approvals/" + f.graphApproval),
            page(
                    "GET /ui/graph-approvals/{id}/live",
                    "viewer",
                    f -> "/ui/graph-approvals/" + f.graphApproval + "/live"),
            page(
                    "POST /ui/graph-approvals/{id}/approve",
                    "operator",
                    f -> "/ui/graph-approvals/" + f.graphApproval + "/approve"),
            page(
                    "POST /ui/graph-approvals/{id}/deny",
                    "operator",
                    f -> "/ui/graph-approvals/" + f.graphApproval + "/deny"),
            page("GET /ui/policies", "viewer", f -> "/ui/policies"),
            page("GET /ui/policies/new", "admin", f -> "/ui/policies/new"),
            page("GET /ui/policies/{id}", "viewer", f -> "/ui/policies/" + f.policy),
            page("POST /ui/policies/preview", "admin", f -> "/ui/policies/preview"),
            page("POST /ui/policies", "admin", f -> "/ui/policies"),
            page("POST /ui/policies/{id}/delete", "admin", f -> "/ui/policies/" + f.sparePolicy() + "/delete"),
            page("GET /ui/enrolments/failed", "admin", f -> "/ui/enrolments/failed"),
            page("GET /ui/device", "admin", f -> "/ui/device"),
            page("GET /ui/device/live", "admin", f -> "/ui/device/live"),
            page("POST /ui/device/approve", "admin", f -> "/ui/device/approve"),
            page("POST /ui/device/deny", "admin", f -> "/ui/device/deny"),
            page("GET /ui/ops", "admin", f -> "/ui/ops"),
            page("GET /ui/ops/live", "admin", f -> "/ui/ops/live"),
            page("GET /ui/audit", "admin", f -> "/ui/audit"),
            page("GET /ui/webhooks", "admin", f -> "/ui/webhooks"),
            page("GET /ui/graphs", "viewer", f -> "/ui/graphs"),
            page("GET /ui/graphs/{id}", "viewer", f -> "/ui/graphs/" + f.graph),
            page("GET /ui/graph-runs/{runId}", "viewer", f -> "/ui/graph-runs/" + f.graphRun),
            page(
                    "GET /ui/graph-runs/{runId}/steps/{step}/output",
                    "viewer",
                    f -> "/ui/graph-runs/" + f.graphRun + "/steps/big/output"),
            // Keep last: it ends the dashboard sessions the rows above use.
            // OAuth consent: the grant is made in the signed-in person's own tenant, never another's.
            page("GET /ui/oauth/authorize", "viewer", f -> "/ui/oauth/authorize"),
            page("POST /ui/oauth/authorize", "viewer", f -> "/ui/oauth/authorize"),
            page("POST /ui/logout", "viewer", f -> "/ui/logout"));

    /**
     * WebSocket routes, proven by {@link #agentOfOneTenantCannotSeeOrCompleteAnotherTenantsJobs} and
     * {@link #noPrincipalOfOneTenantOpensAnotherTenantsRuntimeChannel}.
     */
    static final Set<String> WEBSOCKET_ROUTES = Set.of("WS /api/v1/agent/connect", "WS /api/v1/tenants/{t}/runtime");

    static String t(Fixture f) {
        return "/api/v1/tenants/" + f.tenant;
    }

    /** A tenant and one of each thing in it, plus a credential per role. */
    static final class Fixture {
        String tenant;
        Map<String, String> keys = new LinkedHashMap<>(); // role -> secret, least privileged first
        Map<String, String> ownerBrowser; // Cookie + CSRF headers of a logged-in owner
        Map<String, Map<String, String>> browsers = new LinkedHashMap<>(); // role -> dashboard session headers
        TestAgent agent;
        String session;
        String job;
        String token;
        String spareKey;
        String user;
        String userEmail;
        String userPassword;
        String spareKeySecret;
        String policy;
        String graph;
        String secret;
        String webhook;
        String graphRun;
        String graphStart;
        String graphApproval;
        String idsTenant;

        /** A new webhook endpoint of the tenant whose ids this fixture holds, for a row that deletes one. */
        String spareWebhook() {
            return newWebhook(idsTenant);
        }

        /** Pins the tenant of this fixture's ids (so a clear finds a pin) and returns the pin's path. */
        String pinned() {
            var r = hub.api()
                    .post(
                            "/api/v1/tenants/" + idsTenant + "/update-pin",
                            hub.platformKey(),
                            Map.of("channel", "stable"));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            return "/api/v1/tenants/" + tenant + "/update-pin";
        }

        /** A new policy of the tenant whose ids this fixture holds, for a row that deletes one. */
        String sparePolicy() {
            return hub.api()
                    .post(
                            "/api/v1/tenants/" + idsTenant + "/policies",
                            hub.platformKey(),
                            Map.of(
                                    "scope",
                                    "label:spare-" + TestHub.randomId("p").toLowerCase(java.util.Locale.ROOT),
                                    "policy",
                                    Map.of("version", 1)))
                    .get("id");
        }

        /** A new graph of the tenant whose ids this fixture holds, for a row that withdraws one. */
        String spareGraph() {
            return hub.api()
                    .post(
                            "/api/v1/tenants/" + idsTenant + "/graphs",
                            hub.platformKey(),
                            Map.of(
                                    "scope",
                                    "tenant",
                                    "document",
                                    Map.of(
                                            "version",
                                            1,
                                            "name",
                                            TestHub.randomId("spare"),
                                            "steps",
                                            List.of(Map.of("id", "list", "tool", "fs.list")))))
                    .body()
                    .path("graph")
                    .path("id")
                    .asText();
        }

        /** A new secret of the tenant whose ids this fixture holds, for a row that deletes one. */
        String spareSecret() {
            String name = "spare-" + TestHub.randomId("s").toLowerCase(java.util.Locale.ROOT);
            var r = hub.api()
                    .post(
                            "/api/v1/tenants/" + idsTenant + "/secrets",
                            hub.platformKey(),
                            Map.of("name", name, "value", "spare-value"));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            return name;
        }

        /** Sets single sign-on of the tenant whose ids this fixture holds (again), for a row that removes it. */
        String spareOidc() {
            configureOidc(idsTenant);
            return t(this) + "/oidc";
        }

        /** A new page link to this fixture's session (of the tenant whose ids it holds), for a row that revokes one. */
        String spareLink() {
            String key = hub.api()
                    .post("/api/v1/tenants/" + idsTenant + "/api-keys", hub.platformKey(), Map.of("role", "viewer"))
                    .get("key");
            String pageUrl = hub.api()
                    .get("/api/v1/tenants/" + idsTenant + "/sessions/" + session, key)
                    .get("pageUrl");
            return java.net.URI.create(pageUrl).getQuery().split("\\.")[1];
        }

        /** This tenant in the path, with {@code other}'s object ids. */
        Fixture withIdsOf(Fixture other) {
            Fixture f = new Fixture();
            f.tenant = tenant;
            f.agent = other.agent;
            f.session = other.session;
            f.job = other.job;
            f.token = other.token;
            f.spareKey = other.spareKey;
            f.user = other.user;
            f.policy = other.policy;
            f.graph = other.graph;
            f.secret = other.secret;
            f.webhook = other.webhook;
            f.graphRun = other.graphRun;
            f.graphStart = other.graphStart;
            f.graphApproval = other.graphApproval;
            f.idsTenant = other.tenant;
            return f;
        }

        /** Cookie + CSRF headers of a login, as a browser sends them. */
        static Map<String, String> browser(Response login) {
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            return Map.of(
                    "Cookie", setCookie.substring(0, setCookie.indexOf(';')), "X-CSRF-Token", login.get("csrfToken"));
        }

        static Fixture create() {
            Fixture f = new Fixture();
            f.tenant = hub.newTenant();
            for (String role : List.of("viewer", "operator", "admin", "owner")) {
                f.keys.put(role, hub.tenantKey(f.tenant, role));
            }
            String ownerEmail = TestHub.randomId("owner") + "@example.com";
            var owner = hub.api()
                    .post(
                            t(f) + "/users",
                            hub.platformKey(),
                            Map.of("email", ownerEmail, "role", "owner", "password", TestHub.USER_PASSWORD));
            var login = hub.api()
                    .post("/api/v1/login", null, Map.of("email", ownerEmail, "password", TestHub.USER_PASSWORD));
            f.ownerBrowser = browser(login);
            for (String role : List.of("viewer", "operator", "admin", "owner")) {
                String email = TestHub.randomId("ui-" + role) + "@example.com";
                var person = hub.api()
                        .post(
                                t(f) + "/users",
                                hub.platformKey(),
                                Map.of("email", email, "role", role, "password", TestHub.USER_PASSWORD));
                f.browsers.put(
                        role,
                        browser(hub.api()
                                .post(
                                        "/api/v1/login",
                                        null,
                                        Map.of("email", email, "password", TestHub.USER_PASSWORD))));
            }
            f.userEmail = TestHub.randomId("viewer") + "@example.com";
            var user = hub.api()
                    .post(
                            t(f) + "/users",
                            hub.platformKey(),
                            Map.of("email", f.userEmail, "role", "viewer", "password", TestHub.USER_PASSWORD));
            f.user = user.body().path("user").path("id").asText();
            f.userPassword = TestHub.USER_PASSWORD;
            f.agent = hub.register(f.tenant);
            // hello records the tools the agent offers, so jobs may be created while it is away
            hub.connectReady(f.agent, "fs.list").close();
            f.session = hub.newSession(f.tenant);
            f.job = hub.dispatch(f.tenant, f.session, f.agent.agentId(), "fs.list", Map.of(), 600)
                    .get("id")
                    .asText();
            var token = hub.api().post(t(f) + "/registration-tokens", hub.platformKey(), Map.of());
            f.token = token.get("id");
            var spare = hub.api().post(t(f) + "/api-keys", hub.platformKey(), Map.of("role", "viewer"));
            f.spareKey = spare.get("id");
            f.spareKeySecret = spare.get("key");
            f.idsTenant = f.tenant;
            f.webhook = newWebhook(f.tenant);
            configureOidc(f.tenant);
            f.policy = hub.api()
                    .post(
                            t(f) + "/policies",
                            hub.platformKey(),
                            Map.of("scope", "tenant", "policy", Map.of("version", 1, "tools", List.of("fs.list"))))
                    .get("id");
            f.graph = hub.api()
                    .post(t(f) + "/graphs", hub.platformKey(), Map.of("scope", "tenant", "document", GRAPH))
                    .body()
                    .path("graph")
                    .path("id")
                    .asText();
            var start = hub.api()
                    .post(
                            t(f) + "/graphs/" + f.graph + "/start",
                            hub.platformKey(),
                            Map.of("agentId", f.agent.agentId()));
            assertThat(start.status()).as(start.text()).isEqualTo(202);
            f.graphStart = start.body().path("startId").asText();
            f.secret = "fixture-" + TestHub.randomId("s").toLowerCase(java.util.Locale.ROOT);
            var secret = hub.api()
                    .post(t(f) + "/secrets", hub.platformKey(), Map.of("name", f.secret, "value", "fixture-value"));
            assertThat(secret.status()).as(secret.text()).isEqualTo(201);
            f.graphRun =
                    "run_" + java.util.HexFormat.of().formatHex(new byte[12]).substring(0, 16)
                            + Integer.toHexString(Math.abs(f.tenant.hashCode()) | 0x10000000);
            byte[] output = ("{\"of\":\"" + f.tenant + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String sha256 = sha256(output);
            try (var socket = hub.connect(f.agent)) {
                socket.hello("fs.list");
                var frame = new io.enginex.edge.protocol.GraphRuns(
                        socket.nextId(),
                        List.of(new io.enginex.edge.protocol.GraphRuns.Run(
                                f.graphRun,
                                "matrix",
                                f.graph,
                                1,
                                "succeeded",
                                java.time.Instant.parse("2026-12-01T00:00:00Z"),
                                java.time.Instant.parse("2026-12-01T00:01:00Z"),
                                null,
                                List.of(new io.enginex.edge.protocol.GraphRuns.Step(
                                        f.graphRun + ":big",
                                        "big",
                                        "succeeded",
                                        1,
                                        null,
                                        null,
                                        null,
                                        false,
                                        null,
                                        (long) output.length,
                                        sha256,
                                        java.time.Instant.parse("2026-12-01T00:00:30Z"),
                                        true,
                                        null)))));
                socket.send(frame);
                while (!(socket.next() instanceof io.enginex.edge.protocol.GraphRunsAck ack
                        && ack.replyTo().equals(frame.id())
                        && ack.runs().contains(f.graphRun))) {
                    // other frames (policy) are not what this waits for
                }
                socket.send(new io.enginex.edge.protocol.GraphApproval(
                        socket.nextId(),
                        f.graphRun,
                        "pay",
                        f.graph,
                        "matrix",
                        1,
                        "fs.list",
                        TestHub.MAPPER.createObjectNode().put("path", "."),
                        "the matrix's approval",
                        java.time.Instant.parse("2026-12-01T00:00:30Z")));
                org.awaitility.Awaitility.await("the fixture's graph approval is stored")
                        .until(() -> hub.api()
                                        .get(t(f) + "/graph-approvals?state=waiting", hub.platformKey())
                                        .body()
                                        .size()
                                == 1);
                f.graphApproval = hub.api()
                        .get(t(f) + "/graph-approvals?state=waiting", hub.platformKey())
                        .body()
                        .path(0)
                        .path("id")
                        .asText();
                var chunk = io.enginex.edge.protocol.GraphOutputChunk.of(
                        socket.nextId(), f.graphRun + ":big", 0, output.length, sha256, output);
                socket.send(chunk);
                while (!(socket.next() instanceof io.enginex.edge.protocol.GraphOutputAck stored
                        && stored.replyTo().equals(chunk.id())
                        && stored.complete())) {
                    // other frames are not what this waits for
                }
            }
            return f;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A webhook endpoint of {@code tenant}, made with the platform key; its id. */
    static String newWebhook(String tenant) {
        var r = hub.api()
                .exchange(
                        "POST",
                        "/api/v1/tenants/" + tenant + "/webhooks",
                        hub.platformKey(),
                        Map.of("Idempotency-Key", TestHub.randomId("wh")),
                        Map.of("url", WEBHOOK_TARGET));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.get("id");
    }

    /** Single sign-on of {@code tenant}, at an issuer of its own of the test provider. */
    static void configureOidc(String tenant) {
        var r = hub.api()
                .exchange(
                        "PUT",
                        "/api/v1/tenants/" + tenant + "/oidc",
                        hub.platformKey(),
                        Map.of(),
                        oidc("iso-" + tenant));
        assertThat(r.status()).as(r.text()).isBetween(200, 201);
    }

    static Map<String, Object> oidc(String issuerId) {
        return Map.of(
                "issuer",
                idp.issuer(issuerId),
                "clientId",
                "matrix",
                "clientSecret",
                "matrix-secret",
                "roleMap",
                Map.of("staff", "viewer"));
    }

    @BeforeAll
    static void start() throws java.io.IOException {
        var repo = new io.enginex.edge.server.update.UpdateRepository(
                io.enginex.edge.server.update.UpdateRepository.dirOf(dir), java.time.Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, io.enginex.edge.server.update.Expiries.DEFAULT);
        repo.publish(
                "stable",
                "1.0.0",
                Map.of("linux-x64", java.nio.file.Files.writeString(dir.resolve("agent.tar.gz"), "agent")),
                List.of(repo.onlineKeysDir()));
        hub = TestHub.start(
                dir,
                c -> c.webhooks(
                        new io.enginex.edge.server.config.HubConfig.WebhookConfig(true, java.time.Duration.ofHours(1))),
                java.time.Clock.systemUTC());
        idp = TestOidcProvider.start();
        a = Fixture.create();
        b = Fixture.create();
    }

    @AfterAll
    static void stop() {
        hub.close();
        idp.close();
    }

    @Test
    void noPrincipalOfOneTenantOpensAnotherTenantsRuntimeChannel() {
        for (var key : a.keys.entrySet()) {
            assertThat(runtimeUpgrade(b.tenant, key.getValue()))
                    .as("tenant A's " + key.getKey() + " key on tenant B's runtime channel")
                    .isEqualTo(404);
        }
        assertThat(runtimeUpgrade(b.tenant, b.keys.get("operator")))
                .as("tenant B's own operator")
                .isEqualTo(101);
    }

    /** The status of a WebSocket upgrade to {@code tenant}'s runtime channel with {@code key}. */
    private static int runtimeUpgrade(String tenant, String key) {
        try {
            HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + key)
                    .buildAsync(
                            URI.create(
                                    hub.url().replace("http://", "ws://") + "/api/v1/tenants/" + tenant + "/runtime"),
                            new WebSocket.Listener() {})
                    .join()
                    .abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void everyRouteHasARowInTheMatrix() {
        Set<String> served = new TreeSet<>(hub.hub().routes());
        Set<String> covered = new TreeSet<>(WEBSOCKET_ROUTES);
        MATRIX.forEach(r -> covered.add(r.route()));
        served.removeIf(r -> r.startsWith("WEBSOCKET_BEFORE_UPGRADE "));

        Set<String> missing = new TreeSet<>(served);
        missing.removeAll(covered);
        Set<String> stale = new TreeSet<>(covered);
        stale.removeAll(served);

        assertThat(missing)
                .as("routes without a row in TenantIsolationIT.MATRIX; add a row saying who may call each")
                .isEmpty();
        assertThat(stale)
                .as("rows in TenantIsolationIT.MATRIX for routes the hub no longer serves")
                .isEmpty();
    }

    @Test
    void everyDashboardRouteIsInTheRouteTableWithTheRowsRole() {
        List<DashboardRoute> table = hub.hub().dashboardRoutes();
        Set<String> declared = new TreeSet<>();
        table.forEach(d -> declared.add(d.key()));
        Set<String> aroundPages = new TreeSet<>();
        for (String served : hub.hub().routes()) {
            String path = served.substring(served.indexOf(' ') + 1);
            if ((path.equals("/ui") || path.startsWith("/ui/")) && !declared.contains(served)) {
                aroundPages.add(served);
            }
        }
        assertThat(aroundPages)
                .as("dashboard routes registered around Pages, so missing from its route table;"
                        + " register them with Pages.get/post/live/open")
                .isEmpty();

        List<String> wrong = new ArrayList<>();
        for (DashboardRoute d : table) {
            Row row = MATRIX.stream()
                    .filter(r -> r.route().equals(d.key()))
                    .findFirst()
                    .orElse(null);
            if (row == null) {
                wrong.add(d.key() + ": no row in MATRIX");
                continue;
            }
            boolean ok = switch (d.kind()) {
                case PAGE, ACTION, LIVE ->
                    row.access() == Access.DASHBOARD
                            && row.minimum().equals(d.minimum().wire());
                // an open page may be checked as a signed-in page (the session page, which a
                // capability link also opens: aCapabilityLinkOpensOnlyItsOwnSession)
                case OPEN, OPEN_ACTION, ASSET ->
                    (row.access() == Access.PUBLIC && row.note() != null) || row.access() == Access.DASHBOARD;
            };
            if (!ok) {
                wrong.add(d.key() + " is " + d.kind() + " for " + d.minimum() + " but its row says " + row.access()
                        + " " + row.minimum());
            }
        }
        assertThat(wrong)
                .as("dashboard routes whose MATRIX row disagrees with the route table")
                .isEmpty();
        assertThat(table)
                .as("the route table lists the live streams, so they are read as streams")
                .anySatisfy(d -> assertThat(d.kind()).isEqualTo(DashboardRoute.Kind.LIVE));
    }

    @Test
    void aCapabilityLinkOpensOnlyItsOwnSession() {
        String capabilityOfA = capability(a);
        String capabilityOfB = capability(b);
        List<String> failures = new ArrayList<>();
        Row row = row("GET /ui/sessions/{sid}");
        Map<String, Map<String, String>> who = new LinkedHashMap<>();
        who.put("no login", Map.of());
        a.browsers.forEach((role, headers) -> who.put(role + " login", headers));
        for (var e : who.entrySet()) {
            for (String path : List.of(
                    "/ui/sessions/" + b.session + "?t=" + capabilityOfA,
                    "/ui/sessions/" + b.session + "?t=" + capabilityOfA.substring(1),
                    "/ui/sessions/" + b.session + "?t=")) {
                Response r = call(row, path, null, e.getValue());
                expect(
                        failures,
                        row,
                        e.getKey() + " with A's capability on B's session (" + path + ")",
                        r,
                        (r.status() == 403 || r.status() == 404) && showsNothingOf(b, r));
            }
        }
        assertThat(failures).as("capability link violations").isEmpty();
        // each link does open its own session, so the refusals above are not a page that never works
        Response own = call(row, "/ui/sessions/" + a.session + "?t=" + capabilityOfA, null, Map.of());
        assertThat(own.status()).as(own.text()).isEqualTo(200);
        assertThat(own.text()).contains(a.job);
        assertThat(call(row, "/ui/sessions/" + b.session + "?t=" + capabilityOfB, null, Map.of())
                        .text())
                .contains(b.job)
                .doesNotContain(a.job);
    }

    private static final Pattern INLINE = Pattern.compile(
            "<style|<[^>]*\\sstyle\\s*=|<script(?![^>]*\\ssrc=)[^>]*>|<[^>]*\\son[a-z]+\\s*=|javascript:",
            Pattern.CASE_INSENSITIVE);

    @Test
    void everyPageSendsTheDocumentedCspAndHasNothingInline() {
        List<String> failures = new ArrayList<>();
        Map<String, String> owner = a.browsers.get("owner");
        Map<String, String> cookieOnly = Map.of("Cookie", owner.get("Cookie")); // no CSRF token: changes nothing
        int html = 0;
        for (DashboardRoute d : hub.hub().dashboardRoutes()) {
            if (d.kind() == DashboardRoute.Kind.ASSET) {
                continue; // CSS and scripts, not documents
            }
            Row row = row(d.key());
            String path = row.path().apply(a);
            List<Response> answers = switch (d.kind()) {
                case LIVE -> List.of(stream(path, owner), stream(path, Map.of()));
                case PAGE, OPEN -> List.of(call(row, path, null, owner), call(row, path, null, Map.of()));
                case ACTION, OPEN_ACTION -> List.of(call(row, path, null, cookieOnly));
                case ASSET -> List.of();
            };
            for (Response r : answers) {
                html += checkHeaders(d.key(), r, failures) ? 1 : 0;
            }
        }
        Response capabilityPage = call(
                row("GET /ui/sessions/{sid}"), "/ui/sessions/" + a.session + "?t=" + capability(a), null, Map.of());
        assertThat(capabilityPage.status()).isEqualTo(200);
        checkHeaders("the capability link's session page", capabilityPage, failures);
        assertThat(capabilityPage.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");

        assertThat(failures)
                .as("pages whose CSP or content is not as documented")
                .isEmpty();
        assertThat(html).as("HTML pages checked").isGreaterThan(10);
    }

    /** Checks a page's CSP header and, for HTML, that it has nothing inline; true if it was HTML. */
    private static boolean checkHeaders(String route, Response r, List<String> failures) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("(none)");
        if (!csp.equals(Pages.CSP)) {
            failures.add(route + " -> " + r.status() + " sends CSP " + csp);
        }
        boolean html = r.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
        if (html) {
            var inline = INLINE.matcher(r.text());
            if (inline.find()) {
                failures.add(route + " -> " + r.status() + " has inline code or style: "
                        + abbreviate(r.text().substring(inline.start())));
            }
        }
        return html;
    }

    static Row row(String route) {
        return MATRIX.stream()
                .filter(r -> r.route().equals(route))
                .findFirst()
                .orElseThrow(() -> new AssertionError(route + " has no row in MATRIX"));
    }

    /** The {@code t} of the capability link the API hands out for the fixture's session. */
    static String capability(Fixture f) {
        String pageUrl = hub.api()
                .get(t(f) + "/sessions/" + f.session, hub.platformKey())
                .get("pageUrl");
        String t = pageUrl.substring(pageUrl.indexOf("t=") + 2);
        return URLDecoder.decode(t, StandardCharsets.UTF_8);
    }

    @Test
    void noPrincipalOfTenantAReachesTenantBAndRoleLimitsHold() {
        List<String> failures = new ArrayList<>();
        for (Row row : MATRIX) {
            check(row, failures);
        }
        assertThat(failures).as("matrix violations").isEmpty();
        assertTenantBUntouched();
    }

    private static void check(Row row, List<String> failures) {
        switch (row.access()) {
            case PUBLIC -> {
                if (row.method().equals("GET")) {
                    Response r = call(row, row.path().apply(b), null, Map.of());
                    expect(
                            failures,
                            row,
                            "no key reads B",
                            r,
                            r.status() != 200 || !r.text().contains(b.tenant));
                    for (String key : a.keys.values()) {
                        Response withA = call(row, row.path().apply(b), key, Map.of());
                        expect(
                                failures,
                                row,
                                "A key reads B",
                                withA,
                                withA.status() != 200 || !withA.text().contains(b.tenant));
                    }
                }
            }
            case ANY -> {
                expect(failures, row, "no key", call(row, row.path().apply(a), null, Map.of()), 401);
                for (var e : principals(a).entrySet()) {
                    Response r = call(row, row.path().apply(a), e.getValue().key, e.getValue().headers);
                    expect(
                            failures,
                            row,
                            e.getKey(),
                            r,
                            r.status() == 200
                                    && !r.text().contains(b.tenant)
                                    && r.text().contains(a.tenant));
                }
            }
            case PLATFORM -> {
                expect(failures, row, "no key", call(row, row.path().apply(a), null, Map.of()), 401);
                for (var e : principals(a).entrySet()) {
                    expect(
                            failures,
                            row,
                            e.getKey(),
                            call(row, row.path().apply(a), e.getValue().key, e.getValue().headers),
                            403);
                }
                Response p = call(row, row.path().apply(a), hub.platformKey(), Map.of());
                expect(failures, row, "platform", p, p.status() / 100 == 2);
            }
            case TENANT -> checkTenant(row, failures);
            case OPS -> {
                expect(failures, row, "no key", call(row, row.path().apply(a), null, Map.of()), 401);
                for (var e : principals(a).entrySet()) {
                    Response r = call(row, row.path().apply(a), e.getValue().key, e.getValue().headers);
                    boolean allowed = rank(e.getValue().role) >= rank("admin");
                    expect(
                            failures,
                            row,
                            e.getKey(),
                            r,
                            allowed
                                    ? r.status() == 200
                                            && !r.text().contains(a.tenant)
                                            && !r.text().contains(b.tenant)
                                    : r.status() == 403);
                }
                Response p = call(row, row.path().apply(a), hub.platformKey(), Map.of());
                expect(failures, row, "platform", p, p.status() == 200);
            }
            case DASHBOARD -> checkDashboard(row, failures);
            case APPROVER -> {
                expect(failures, row, "no key", call(row, row.path().apply(a), null, Map.of()), 401);
                for (var e : principals(a).entrySet()) {
                    Response r = call(row, row.path().apply(a), e.getValue().key, e.getValue().headers);
                    expect(failures, row, e.getKey(), r, rank(e.getValue().role) >= rank("admin") ? 404 : 403);
                }
                Response p = call(row, row.path().apply(a), hub.platformKey(), Map.of());
                expect(failures, row, "platform", p, p.status() != 401 && p.status() != 403);
            }
        }
    }

    /** Whether a tenant row is an event stream, called as a client reads one (its first event). */
    private static boolean isStream(Row row) {
        return row.route().endsWith("/events");
    }

    /** {@link #call}, or for an event stream {@link #stream} with the key as a bearer token. */
    private static Response callOrStream(Row row, String path, String key, Map<String, String> headers) {
        if (!isStream(row)) {
            return call(row, path, key, headers);
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (key != null) {
            all.put("Authorization", "Bearer " + key);
        }
        return stream(path, all);
    }

    private static void checkTenant(Row row, List<String> failures) {
        boolean write = !row.method().equals("GET");
        boolean streams = isStream(row);
        String crossPath = row.path().apply(b);
        Fixture mixed = a.withIdsOf(b);
        String mixedPath = row.path().apply(mixed);
        expect(failures, row, "no key", callOrStream(row, row.path().apply(a), null, Map.of()), 401);
        for (var e : principals(a).entrySet()) {
            Principal p = e.getValue();
            Response cross = callOrStream(row, crossPath, p.key, p.headers);
            expect(
                    failures,
                    row,
                    e.getKey() + " on B's path",
                    cross,
                    cross.status() == 404 || (write && cross.status() == 403));
            if (!mixedPath.equals(row.path().apply(a))) {
                Response mix = callOrStream(row, mixedPath, p.key, p.headers);
                expect(
                        failures,
                        row,
                        e.getKey() + " with B's ids under A",
                        mix,
                        mix.status() == 404 || mix.status() == 403);
            }
            Response own = callOrStream(row, row.path().apply(a), p.key, p.headers);
            boolean allowed = rank(p.role) >= rank(row.minimum());
            if (allowed) {
                expect(
                        failures,
                        row,
                        e.getKey() + " on A (allowed)",
                        own,
                        own.status() != 401
                                && own.status() != 403
                                && own.status() != 404
                                && (!streams
                                        || (own.status() == 200
                                                && own.text().contains("data:")
                                                && showsNothingOf(b, own))));
            } else {
                expect(failures, row, e.getKey() + " on A (below " + row.minimum() + ")", own, 403);
            }
        }
        Response platform = callOrStream(row, row.path().apply(a), hub.platformKey(), Map.of());
        expect(
                failures,
                row,
                "platform on A",
                platform,
                platform.status() != 401 && platform.status() != 403 && platform.status() != 404);
    }

    private static void checkDashboard(Row row, List<String> failures) {
        boolean live = route(row).kind() == DashboardRoute.Kind.LIVE;
        String own = row.path().apply(a);
        String mixed = row.path().apply(a.withIdsOf(b));
        Response anonymous = live ? stream(own, Map.of()) : call(row, own, null, Map.of());
        expect(failures, row, "no cookie", anonymous, toSignIn(anonymous));
        for (var e : a.keys.entrySet()) {
            Response r = call(row, own, e.getValue(), Map.of());
            expect(failures, row, e.getKey() + " key (pages need a browser session)", r, toSignIn(r));
        }
        for (var e : a.browsers.entrySet()) {
            boolean allowed = rank(e.getKey()) >= rank(row.minimum());
            if (!mixed.equals(own)) {
                Response r = live ? stream(mixed, e.getValue()) : call(row, mixed, null, e.getValue());
                expect(
                        failures,
                        row,
                        e.getKey() + " login with B's ids",
                        r,
                        (r.status() == 404 || (!allowed && r.status() == 403))
                                && !r.text().contains(b.tenant));
            }
            // filled in per call, so a row that deletes gets a live object for each allowed person
            String path = allowed ? row.path().apply(a) : own;
            Response r = live ? stream(path, e.getValue()) : call(row, path, null, e.getValue());
            if (allowed) {
                expect(
                        failures,
                        row,
                        e.getKey() + " login (allowed)" + (live ? ", first event" : ""),
                        r,
                        r.status() != 401
                                && r.status() != 403
                                && r.status() != 404
                                && r.status() < 500
                                && !(row.method().equals("GET") && toSignIn(r)) // a form may end there (logout)
                                && (!live || (r.status() == 200 && r.text().contains("data:")))
                                && showsNothingOf(b, r));
            } else {
                expect(failures, row, e.getKey() + " login (below " + row.minimum() + ")", r, 403);
            }
        }
    }

    /** Whether a response carries none of tenant {@code f}'s ids. */
    private static boolean showsNothingOf(Fixture f, Response r) {
        return List.of(f.tenant, f.agent.agentId(), f.session, f.job, f.token, f.user).stream()
                .noneMatch(r.text()::contains);
    }

    /** The route table's entry for a dashboard row. */
    private static DashboardRoute route(Row row) {
        return hub.hub().dashboardRoutes().stream()
                .filter(d -> d.key().equals(row.route()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(row.route()
                        + " has a dashboard row but is not in the dashboard's route table; register it through Pages"));
    }

    /**
     * Opens {@code path} as a browser opens a live stream ({@code Accept: text/event-stream}) and reads
     * until its first event has ended (at most 10 s); any other answer is read whole.
     */
    static Response stream(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.url() + path))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30))
                .GET();
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> r = hub.http().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = r.body()) {
                boolean events =
                        r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                text = events ? firstEvent(in) : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Response(r.statusCode(), TestHub.MAPPER.createObjectNode(), text, r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String firstEvent(InputStream in) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        CompletableFuture<Void> read = CompletableFuture.runAsync(
                () -> {
                    var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    try {
                        boolean data = false;
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            text.append(line).append('\n');
                            data |= line.startsWith("data:");
                            if (data && line.isEmpty()) {
                                return;
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                runnable -> Thread.ofVirtual().start(runnable));
        try {
            read.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            text.append("(no complete event: ").append(e).append(')');
        }
        return text.toString();
    }

    /** Whether a dashboard response sends the browser to the sign-in page. */
    private static boolean toSignIn(Response r) {
        String location = r.headers()
                .firstValue("Location")
                .or(() -> r.headers().firstValue("HX-Redirect"))
                .orElse("");
        return (r.status() == 303 || r.status() == 401) && location.startsWith("/ui/login");
    }

    /** After every attempt, B's agent, token, key and user are as they were. */
    private static void assertTenantBUntouched() {
        var agent = hub.api().get(t(b) + "/agents/" + b.agent.agentId(), hub.platformKey());
        var tokens = hub.api().get(t(b) + "/registration-tokens", hub.platformKey());
        var login = hub.api().post("/api/v1/login", null, Map.of("email", b.userEmail, "password", b.userPassword));
        var jobs = hub.api().get(t(b) + "/sessions/" + b.session, hub.platformKey());

        assertThat(agent.body().path("revokedAt").isTextual()).as(agent.text()).isFalse();
        assertThat(tokens.text()).contains(b.token);
        assertThat(tokens.body().findValuesAsText("revokedAt")).isEmpty();
        assertThat(hub.api().get(t(b), b.spareKeySecret).status()).isEqualTo(200);
        assertThat(login.status()).as(login.text()).isEqualTo(200);
        assertThat(jobs.body().path("jobs")).hasSize(1);
        assertThat(hub.api().get(t(b) + "/users", hub.platformKey()).body()).hasSize(6);
        var policy = hub.api().get(t(b) + "/policies/" + b.policy, hub.platformKey());
        assertThat(policy.status()).as(policy.text()).isEqualTo(200);
        assertThat(policy.body().path("scope").asText()).isEqualTo("tenant");
        assertThat(policy.body().path("policy").path("tools").toString()).isEqualTo("[\"fs.list\"]");
        var secret = hub.api().get(t(b) + "/secrets/" + b.secret, hub.platformKey());
        assertThat(secret.status()).as(secret.text()).isEqualTo(200);
        assertThat(secret.body().path("version").asInt()).isEqualTo(1);
        assertThat(hub.api()
                        .get(t(b) + "/agents/" + b.agent.agentId() + "/vault", hub.platformKey())
                        .body()
                        .path("wipes"))
                .isEmpty();
    }

    @Test
    void agentOfOneTenantCannotSeeOrCompleteAnotherTenantsJobs() {
        TestAgent agentA = hub.register(a.tenant);
        TestAgent agentB = hub.register(b.tenant);
        try (AgentSocket socketA = hub.connectReady(agentA, "fs.list");
                AgentSocket socketB = hub.connectReady(agentB, "fs.list")) {
            String session = hub.newSession(b.tenant);
            String jobB = hub.dispatch(b.tenant, session, agentB.agentId(), "fs.list", Map.of(), 60)
                    .get("id")
                    .asText();
            socketB.expect(Dispatch.class);

            socketA.send(new Result(
                    socketA.nextId(),
                    jobB,
                    TestHub.MAPPER.createObjectNode().put("value", "forged"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            socketB.send(new Result(
                    socketB.nextId(),
                    jobB,
                    TestHub.MAPPER.createObjectNode().put("value", "genuine"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));

            await().until(() -> hub.job(b.tenant, jobB).get("state").asText().equals("succeeded"));
            assertThat(hub.job(b.tenant, jobB).get("output").get("value").asText())
                    .isEqualTo("genuine");
            assertThat(hub.api().get(t(a) + "/jobs/" + jobB, hub.platformKey()).status())
                    .isEqualTo(404);
        }
    }

    // --- helpers

    record Principal(String role, String key, Map<String, String> headers) {}

    static Map<String, Principal> principals(Fixture f) {
        Map<String, Principal> all = new LinkedHashMap<>();
        f.keys.forEach((role, key) -> all.put(role + " key", new Principal(role, key, Map.of())));
        all.put("owner login", new Principal("owner", null, f.ownerBrowser));
        return all;
    }

    static int rank(String role) {
        return List.of("viewer", "operator", "admin", "owner").indexOf(role);
    }

    static Response call(Row row, String path, String key, Map<String, String> headers) {
        Object body = row.body();
        if ("newTenant".equals(body)) {
            body = Map.of("id", TestHub.randomId("m"));
        } else if ("oidc".equals(body)) {
            body = oidc("iso-matrix");
        } else if ("user".equals(body)) {
            body = Map.of("email", TestHub.randomId("u") + "@example.com", "role", "viewer");
        } else if ("job".equals(body)) {
            body = Map.of(
                    "agentId",
                    path.contains(b.tenant) || path.contains(b.session) ? b.agent.agentId() : a.agent.agentId(),
                    "tool",
                    "fs.list",
                    "args",
                    Map.of(),
                    "timeoutSeconds",
                    600);
        } else if ("graphStart".equals(body)) {
            body = Map.of(
                    "agentId",
                    path.contains(b.tenant) ? b.agent.agentId() : a.agent.agentId(),
                    "input",
                    Map.of("day", "2026-12-05"));
        } else if (body == null && !row.method().equals("GET") && !row.method().equals("DELETE")) {
            body = Map.of();
        }
        return hub.api().exchange(row.method(), path, key, headers, body);
    }

    static void expect(List<String> failures, Row row, String who, Response r, int status) {
        expect(failures, row, who, r, r.status() == status);
    }

    static void expect(List<String> failures, Row row, String who, Response r, boolean ok) {
        if (!ok) {
            failures.add(row.route() + " by " + who + " -> " + r.status() + " " + abbreviate(r.text()));
        }
    }

    static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }
}
