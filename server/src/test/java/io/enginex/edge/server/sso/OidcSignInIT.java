package io.enginex.edge.server.sso;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.CapturedLog;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.TestOidcProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on end to end, in-process: the real hub and a real OpenID provider made for testing
 * ({@link TestOidcProvider}), driven by an HTTP client that keeps cookies and follows redirects as a
 * browser does: the hub's sign-in link, the provider's authorisation endpoint, the hub's callback.
 * Every refusal is the provider's real answer with one thing wrong (a claim it was told to put, a
 * key it publishes, a parameter the browser changed).
 */
class OidcSignInIT {
    static final String CLIENT_SECRET = "s3cret-of-the-client-7f1d9c";

    @TempDir
    static Path dir;

    static TestHub hub;
    static TestOidcProvider idp;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        idp = TestOidcProvider.start();
    }

    @AfterAll
    static void stop() {
        if (idp != null) {
            idp.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    // ---- the flow ----

    @Test
    void signsInThroughTheProviderMakingTheUserJustInTimeWithTheRoleOfTheirGroups() {
        String tenant = configured("idp-" + TestHub.randomId("a"));
        String issuerId = issuerIdOf(tenant);
        var browser = new Browser();
        idp.nextToken(issuerId, "alice-sub", claims("alice." + tenant + "@example.com", "staff", "it-ops"));

        HttpResponse<String> landed = browser.signIn(tenant, "/ui/sessions");

        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(200);
        assertThat(landed.uri().getPath()).isEqualTo(SingleSignOn.CALLBACK);
        assertThat(landed.body()).contains("http-equiv=\"refresh\"").contains("url=/ui/sessions");
        // the way there: the provider's authorisation endpoint, asked for the code flow with PKCE S256
        URI authorize = browser.visited(idp.issuer(issuerId) + "/authorize").orElseThrow();
        Map<String, String> asked = query(authorize);
        assertThat(asked)
                .containsEntry("response_type", "code")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("client_id", "enginex-" + tenant)
                .containsEntry("redirect_uri", hub.url() + SingleSignOn.CALLBACK)
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(asked.get("scope")).contains("openid");

        HttpResponse<String> fleet = browser.get("/ui/sessions");
        assertThat(fleet.statusCode()).isEqualTo(200);
        assertThat(fleet.body())
                .contains("alice." + tenant + "@example.com")
                .contains("operator")
                .doesNotContain("id=\"change-password\""); // no password of the hub to change
        JsonNode me = browser.json("/api/v1/me");
        assertThat(me.path("tenant").asText()).isEqualTo(tenant);
        assertThat(me.path("role").asText()).isEqualTo("operator");

        JsonNode users = hub.api()
                .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                .body();
        assertThat(users).hasSize(1);
        assertThat(users.get(0).path("email").asText()).isEqualTo("alice." + tenant + "@example.com");
        assertThat(users.get(0).path("role").asText()).isEqualTo("operator");
        assertThat(users.get(0).path("oidcIssuer").asText()).isEqualTo(idp.issuer(issuerId));
        assertThat(types(tenant)).containsSubsequence("oidc.configured", "user.created", "login.succeeded");
        AuditEvent login = last(tenant, "login.succeeded");
        assertThat(login.detailsJson()).contains("\"method\":\"oidc\"").contains("\"via\":\"dashboard\"");
    }

    @Test
    void theRoleFollowsTheGroupsAtEverySignInAndTheUserStaysOne() {
        String tenant = configured("idp-" + TestHub.randomId("b"));
        String issuerId = issuerIdOf(tenant);
        String email = "bob." + tenant + "@example.com";
        idp.nextToken(issuerId, "bob-sub", claims(email, "staff"));
        var first = new Browser();
        assertThat(first.signIn(tenant, null).statusCode()).isEqualTo(200);
        assertThat(first.json("/api/v1/me").path("role").asText()).isEqualTo("viewer");

        idp.nextToken(issuerId, "bob-sub", claims(email, "staff", "hub-admins"));
        var second = new Browser();
        assertThat(second.signIn(tenant, null).statusCode()).isEqualTo(200);
        assertThat(second.json("/api/v1/me").path("role").asText()).isEqualTo("admin");
        // the role is the user's: the first browser's session is an admin now too
        assertThat(first.json("/api/v1/me").path("role").asText()).isEqualTo("admin");

        JsonNode users = hub.api()
                .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                .body();
        assertThat(users).hasSize(1);
        AuditEvent changed = last(tenant, "user.updated");
        assertThat(changed.detailsJson()).contains("\"role\":\"admin\"").contains("\"previous_role\":\"viewer\"");
    }

    @Test
    void aPersonInNoMappedGroupIsRefusedWithAPageThatSaysWhy() {
        String tenant = configured("idp-" + TestHub.randomId("c"));
        idp.nextToken(issuerIdOf(tenant), "carol-sub", claims("carol." + tenant + "@example.com", "contractors"));
        var browser = new Browser();

        HttpResponse<String> refused = browser.signIn(tenant, null);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body())
                .contains("none of your groups")
                .contains("ask an admin of your tenant to map one of your groups")
                .contains("oidc_no_role");
        assertThat(browser.api("/ui/fleet").statusCode()).isEqualTo(303);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                        .body())
                .isEmpty();
        assertThat(last(tenant, "login.failed").detailsJson()).contains("\"reason\":\"oidc_no_role\"");
    }

    @Test
    void theGroupsClaimIsTheOneConfiguredAndMayBeOneString() {
        String tenant = hub.newTenant();
        String issuerId = "idp-" + tenant;
        ISSUERS.put(tenant, issuerId);
        Map<String, Object> body = body(tenant, issuerId, CLIENT_SECRET);
        body.put("groupsClaim", "hub_role");
        Response set = hub.api()
                .exchange("PUT", "/api/v1/tenants/" + tenant + "/oidc", hub.tenantKey(tenant, "admin"), Map.of(), body);
        assertThat(set.status()).as(set.text()).isEqualTo(201);
        Map<String, Object> claims = claims("pia." + tenant + "@example.com", "staff"); // "groups": not read
        claims.put("hub_role", "it-ops");
        idp.nextToken(issuerId, "pia-sub", claims);
        var browser = new Browser();

        assertThat(browser.signIn(tenant, null).statusCode()).isEqualTo(200);
        assertThat(browser.json("/api/v1/me").path("role").asText()).isEqualTo("operator");
    }

    @Test
    void anUnverifiedEmailIsRefused() {
        String tenant = configured("idp-" + TestHub.randomId("unv"));
        Map<String, Object> claims = claims("quin." + tenant + "@example.com", "staff");
        claims.put("email_verified", "false"); // as a string, as some providers send it
        idp.nextToken(issuerIdOf(tenant), "quin-sub", claims);

        HttpResponse<String> refused = new Browser().signIn(tenant, null);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("oidc_email_unverified").contains("verify it there");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                        .body())
                .isEmpty();
    }

    // ---- refusals: state, nonce, signature, issuer, audience, expiry ----

    @Test
    void anAnswerWithAnotherStateIsRefused() {
        String tenant = configured("idp-" + TestHub.randomId("d"));
        // no token is asked for: the hub refuses before it redeems the code
        var browser = new Browser();
        URI callback = browser.callbackFromProvider(tenant);
        Map<String, String> answer = query(callback);
        answer.put("state", "the-state-of-another-sign-in");

        HttpResponse<String> refused = browser.get(SingleSignOn.CALLBACK + "?" + form(answer));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("oidc_state_mismatch").contains("start the sign-in again");
        assertThat(browser.api("/ui/fleet").statusCode()).isEqualTo(303);
        assertThat(last(tenant, "login.failed").detailsJson()).contains("\"reason\":\"oidc_state_mismatch\"");
    }

    @Test
    void anAnswerThatNamesAnotherIssuerIsRefused() {
        String tenant = configured("idp-" + TestHub.randomId("mix"));
        var browser = new Browser();
        Map<String, String> answer = query(browser.callbackFromProvider(tenant));
        answer.put("iss", idp.issuer("some-other-provider")); // RFC 9207: the provider names itself

        HttpResponse<String> refused = browser.get(SingleSignOn.CALLBACK + "?" + form(answer));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("oidc_issuer_mismatch");
        assertThat(browser.api("/ui/fleet").statusCode()).isEqualTo(303);
    }

    @Test
    void anAnswerBroughtByAnotherBrowserIsRefused() {
        String tenant = configured("idp-" + TestHub.randomId("e"));
        URI callback = new Browser().callbackFromProvider(tenant);

        // an attacker's code, sent to a victim's browser, which started no sign-in (login CSRF)
        var victim = new Browser();
        HttpResponse<String> refused = victim.get(SingleSignOn.CALLBACK + "?" + callback.getRawQuery());

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("oidc_state_invalid");
        assertThat(victim.api("/ui/fleet").statusCode()).isEqualTo(303);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                        .body())
                .isEmpty();
    }

    @Test
    void anIdTokenWithAnotherNonceIsRefused() {
        refusedIdToken("nonce", tenant -> {
            Map<String, Object> claims = claims("fay." + tenant + "@example.com", "staff");
            claims.put("nonce", "a-nonce-of-another-sign-in");
            idp.nextToken(issuerIdOf(tenant), "fay-sub", claims);
        });
    }

    @Test
    void anIdTokenOfAnotherIssuerIsRefused() {
        String other = configured("idp-" + TestHub.randomId("other"));
        refusedIdToken("issuer", tenant -> {
            Map<String, Object> claims = claims("gus." + tenant + "@example.com", "staff");
            claims.put("iss", idp.issuer(issuerIdOf(other))); // another tenant's provider
            idp.nextToken(issuerIdOf(tenant), "gus-sub", claims);
        });
    }

    @Test
    void anIdTokenForAnotherClientIsRefused() {
        refusedIdToken("audience", tenant -> {
            Map<String, Object> claims = claims("hal." + tenant + "@example.com", "staff");
            claims.put("aud", List.of("another-client"));
            claims.put("azp", "another-client");
            idp.nextToken(issuerIdOf(tenant), "hal-sub", claims);
        });
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        refusedIdToken(
                "expired",
                tenant -> idp.nextToken(
                        issuerIdOf(tenant), "ivy-sub", claims("ivy." + tenant + "@example.com", "staff"), -600));
    }

    @Test
    void anIdTokenSignedByAKeyTheProviderDoesNotPublishIsRefused() {
        String tenant = hub.newTenant();
        configure(tenant, TestOidcProvider.FORGED);
        idp.nextToken(TestOidcProvider.FORGED, "jay-sub", claims("jay." + tenant + "@example.com", "staff"));

        HttpResponse<String> refused = new Browser().signIn(tenant, null);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("oidc_id_token_invalid").contains("signature");
        assertThat(last(tenant, "login.failed").detailsJson())
                .contains("\"reason\":\"oidc_id_token_invalid\"")
                .contains("\"check\":\"signature\"");
    }

    private void refusedIdToken(String check, java.util.function.Consumer<String> queueToken) {
        String tenant = configured("idp-" + TestHub.randomId(check));
        queueToken.accept(tenant);
        var browser = new Browser();

        HttpResponse<String> refused = browser.signIn(tenant, null);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(refused.body()).contains("oidc_id_token_invalid").contains("(" + check + ":");
        assertThat(browser.api("/ui/fleet").statusCode()).isEqualTo(303);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                        .body())
                .isEmpty();
        assertThat(last(tenant, "login.failed").detailsJson()).contains("\"check\":\"" + check + "\"");
    }

    // ---- logout ----

    @Test
    void logoutEndsTheHubSessionAndTheSessionAtTheProvider() {
        String tenant = configured("idp-" + TestHub.randomId("out"));
        String issuerId = issuerIdOf(tenant);
        idp.nextToken(issuerId, "kim-sub", claims("kim." + tenant + "@example.com", "staff"));
        var browser = new Browser();
        assertThat(browser.signIn(tenant, null).statusCode()).isEqualTo(200);
        String csrf = csrf(browser.get("/ui/fleet").body());

        HttpResponse<String> out = browser.post("/ui/logout", Map.of("csrf", csrf));

        // a page that moves on (a form may not redirect to another site: CSP form-action 'self') to the
        // provider's end-session endpoint, told who the client is and where to come back to
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(browser.api("/api/v1/me").statusCode())
                .as("the hub's session ended first")
                .isEqualTo(401);
        URI endSession = URI.create(movesOnTo(out.body()));
        assertThat(endSession.toString()).startsWith(idp.endSession(issuerId));
        assertThat(query(endSession))
                .containsEntry("client_id", "enginex-" + tenant)
                .containsEntry("post_logout_redirect_uri", hub.url() + SingleSignOn.AFTER_LOGOUT);
        out = browser.getAbsolute(endSession);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.uri().toString()).isEqualTo(hub.url() + SingleSignOn.AFTER_LOGOUT);
        assertThat(out.body()).contains("You are signed out.");
        assertThat(browser.api("/ui/fleet").statusCode()).isEqualTo(303);
        assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(401);
        assertThat(types(tenant)).contains("session.ended");
    }

    @Test
    void logoutOfAPasswordUserStaysOnTheHub() {
        String tenant = configured("idp-" + TestHub.randomId("pw"));
        String email = "pat." + tenant + "@example.com";
        assertThat(hub.api()
                        .post(
                                "/api/v1/tenants/" + tenant + "/users",
                                hub.platformKey(),
                                Map.of("email", email, "role", "viewer", "password", TestHub.USER_PASSWORD))
                        .status())
                .isEqualTo(201);
        var browser = new io.enginex.edge.server.testing.Browser(hub.url()).signIn(email, TestHub.USER_PASSWORD);
        String csrf = csrf(browser.get("/ui/fleet").body());

        var out = browser.post("/ui/logout", Map.of("csrf", csrf));

        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue(SingleSignOn.AFTER_LOGOUT);
    }

    // ---- tenant isolation ----

    @Test
    void aTenantsProviderSignsPeopleIntoThatTenantOnly() {
        String a = configured("idp-" + TestHub.randomId("ta"));
        String b = configured("idp-" + TestHub.randomId("tb"));
        String email = "lee." + a + "@example.com";
        idp.nextToken(issuerIdOf(a), "lee-sub", claims(email, "hub-admins"));
        var browser = new Browser();
        assertThat(browser.signIn(a, null).statusCode()).isEqualTo(200);

        // signed in to A, as an admin of A, and nothing of B
        assertThat(browser.json("/api/v1/me").path("tenant").asText()).isEqualTo(a);
        assertThat(browser.api("/api/v1/tenants/" + b + "/oidc").statusCode()).isEqualTo(404);
        assertThat(browser.api("/api/v1/tenants/" + b + "/users").statusCode()).isEqualTo(404);
        assertThat(browser.api("/api/v1/tenants/" + a + "/oidc").statusCode()).isEqualTo(200);

        // the same person through B's provider is not let into B as the user A's provider made
        idp.nextToken(issuerIdOf(b), "lee-sub", claims(email, "hub-admins"));
        var other = new Browser();
        HttpResponse<String> refused = other.signIn(b, null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("oidc_email_taken");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + b + "/users", hub.platformKey())
                        .body())
                .isEmpty();
        assertThat(other.api("/api/v1/me").statusCode()).isEqualTo(401);
    }

    @Test
    void anotherTenantCannotReadOrChangeTheConfiguration() {
        String a = configured("idp-" + TestHub.randomId("ia"));
        String b = hub.newTenant();
        String bAdmin = hub.tenantKey(b, "owner");
        String path = "/api/v1/tenants/" + a + "/oidc";

        assertThat(hub.api().get(path, bAdmin).code()).isEqualTo("tenant_not_found");
        assertThat(hub.api()
                        .exchange("PUT", path, bAdmin, Map.of(), body(a, issuerIdOf(a), CLIENT_SECRET))
                        .code())
                .isEqualTo("tenant_not_found");
        assertThat(hub.api().delete(path, bAdmin).code()).isEqualTo("tenant_not_found");
        assertThat(hub.api().get(path, hub.platformKey()).get("issuer")).isEqualTo(idp.issuer(issuerIdOf(a)));
        // and within the tenant: operators neither read nor change it
        String operator = hub.tenantKey(a, "operator");
        assertThat(hub.api().get(path, operator).status()).isEqualTo(403);
        assertThat(hub.api().delete(path, operator).status()).isEqualTo(403);
    }

    // ---- configuration ----

    @Test
    void onlyAnOwnerSetsAMapThatGivesTheOwnerRole() {
        String tenant = hub.newTenant();
        String issuerId = "idp-" + tenant;
        String path = "/api/v1/tenants/" + tenant + "/oidc";
        Map<String, Object> ownerMap = body(tenant, issuerId, CLIENT_SECRET);
        ownerMap.put("roleMap", Map.of("founders", "owner", "staff", "viewer"));

        Response byAdmin = hub.api().exchange("PUT", path, hub.tenantKey(tenant, "admin"), Map.of(), ownerMap);
        assertThat(byAdmin.status()).isEqualTo(403);
        Response byOwner = hub.api().exchange("PUT", path, hub.tenantKey(tenant, "owner"), Map.of(), ownerMap);
        assertThat(byOwner.status()).as(byOwner.text()).isEqualTo(201);
        // and then an admin may neither replace nor remove it
        Map<String, Object> adminMap = body(tenant, issuerId, CLIENT_SECRET);
        assertThat(hub.api()
                        .exchange("PUT", path, hub.tenantKey(tenant, "admin"), Map.of(), adminMap)
                        .status())
                .isEqualTo(403);
        assertThat(hub.api().delete(path, hub.tenantKey(tenant, "admin")).status())
                .isEqualTo(403);
    }

    @Test
    void theConfigurationIsCheckedAndTheSecretIsWriteOnly() {
        String tenant = hub.newTenant();
        String path = "/api/v1/tenants/" + tenant + "/oidc";
        String key = hub.tenantKey(tenant, "admin");

        Map<String, Object> plain = body(tenant, "x", CLIENT_SECRET);
        plain.put("issuer", "http://login.example.com/realms/acme");
        assertThat(hub.api().exchange("PUT", path, key, Map.of(), plain).code()).isEqualTo("invalid_issuer");
        Map<String, Object> nobody = body(tenant, "x", CLIENT_SECRET);
        nobody.put("issuer", "http://127.0.0.1:1/nobody");
        Response unreachable = hub.api().exchange("PUT", path, key, Map.of(), nobody);
        assertThat(unreachable.status()).isEqualTo(502);
        assertThat(unreachable.code()).isEqualTo("oidc_provider_unreachable");
        Map<String, Object> noSecret = body(tenant, "idp-" + tenant, null);
        assertThat(hub.api().exchange("PUT", path, key, Map.of(), noSecret).code())
                .isEqualTo("client_secret_required");
        Map<String, Object> noRoles = body(tenant, "idp-" + tenant, CLIENT_SECRET);
        noRoles.put("roleMap", Map.of("staff", "superuser"));
        assertThat(hub.api().exchange("PUT", path, key, Map.of(), noRoles).code())
                .isEqualTo("invalid_role_map");

        Response set = hub.api().exchange("PUT", path, key, Map.of(), body(tenant, "idp-" + tenant, CLIENT_SECRET));
        assertThat(set.status()).as(set.text()).isEqualTo(201);
        assertThat(set.body().path("clientSecretSet").asBoolean()).isTrue();
        assertThat(set.body().path("redirectUri").asText()).isEqualTo(hub.url() + SingleSignOn.CALLBACK);
        assertThat(set.body().path("loginUrl").asText()).isEqualTo(hub.url() + "/ui/login?tenant=" + tenant);
        assertThat(set.body().path("discovery").path("endSession").asText()).isEqualTo(idp.endSession("idp-" + tenant));
        // kept when left out (same issuer and client); required again for another issuer
        Response kept = hub.api().exchange("PUT", path, key, Map.of(), noSecret);
        assertThat(kept.status()).as(kept.text()).isEqualTo(200);
        Map<String, Object> moved = body(tenant, "idp-moved-" + tenant, null);
        assertThat(hub.api().exchange("PUT", path, key, Map.of(), moved).code()).isEqualTo("client_secret_required");

        Response shown = hub.api().get(path, key);
        assertThat(shown.text()).doesNotContain(CLIENT_SECRET);
        assertThat(set.text()).doesNotContain(CLIENT_SECRET);
        assertThat(hub.hub().stores().oidcProviders().find(tenant).orElseThrow().clientSecretSealed())
                .doesNotContain(CLIENT_SECRET);
        assertThat(hub.api().get("/api/v1/tenants/" + tenant + "/audit", key).text())
                .contains("oidc.configured")
                .doesNotContain(CLIENT_SECRET);
    }

    @Test
    void theSignInPageOffersTheTenantsProvider() {
        String tenant = configured("idp-" + TestHub.randomId("page"));
        var browser = new Browser();

        String page = browser.get("/ui/login?tenant=" + tenant).body();
        assertThat(page).contains("Sign in with Provider of " + tenant).contains("/ui/login/oidc?tenant=" + tenant);
        assertThat(browser.get("/ui/login?tenant=no-such-tenant").body())
                .contains("has no single sign-on")
                .doesNotContain("id=\"sso-signin\"");

        // after a single sign-on the browser is offered it without ?tenant=
        idp.nextToken(issuerIdOf(tenant), "max-sub", claims("max." + tenant + "@example.com", "staff"));
        assertThat(browser.signIn(tenant, null).statusCode()).isEqualTo(200);
        browser.post("/ui/logout", Map.of("csrf", csrf(browser.get("/ui/fleet").body())));
        assertThat(browser.get("/ui/login").body()).contains("Sign in with Provider of " + tenant);
    }

    @Test
    void theClientSecretNeverReachesTheLogs() {
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        List<ch.qos.logback.classic.Logger> loud =
                List.of(context.getLogger("io.enginex.edge.server"), context.getLogger("com.nimbusds"));
        try (CapturedLog log = CapturedLog.text()) {
            loud.forEach(l -> l.setLevel(ch.qos.logback.classic.Level.DEBUG));
            String tenant = configured("idp-" + TestHub.randomId("log"));
            idp.nextToken(issuerIdOf(tenant), "ned-sub", claims("ned." + tenant + "@example.com", "staff"));
            var browser = new Browser();
            assertThat(browser.signIn(tenant, null).statusCode()).isEqualTo(200);
            browser.post(
                    "/ui/logout", Map.of("csrf", csrf(browser.get("/ui/fleet").body())));
            idp.nextToken(issuerIdOf(tenant), "ned-sub", claims("ned." + tenant + "@example.com", "nobody"));
            assertThat(new Browser().signIn(tenant, null).statusCode()).isEqualTo(403);

            assertThat(log.lines()).as("the hub logged while it worked").isNotEmpty();
            assertThat(log.linesWith(CLIENT_SECRET)).isEmpty();
        } finally {
            loud.forEach(l -> l.setLevel(null));
        }
    }

    @Test
    void theCallbackPageSendsTheDashboardsHeaders() {
        String tenant = configured("idp-" + TestHub.randomId("hdr"));
        idp.nextToken(issuerIdOf(tenant), "ola-sub", claims("ola." + tenant + "@example.com", "staff"));

        HttpResponse<String> landed = new Browser().signIn(tenant, null);

        assertThat(landed.statusCode()).isEqualTo(200);
        assertThat(landed.headers().firstValue("Content-Security-Policy"))
                .hasValue(io.enginex.edge.server.dashboard.Pages.CSP);
        assertThat(landed.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(landed.body()).doesNotContain("<script").doesNotContain("style=");
        // the session cookie stays Strict; the sign-in state's cookie is Lax and gone
        List<String> cookies = landed.headers().allValues("Set-Cookie");
        assertThat(cookies)
                .anySatisfy(c -> assertThat(c).startsWith("enginex_session=").contains("SameSite=Strict"));
        assertThat(cookies)
                .anySatisfy(c -> assertThat(c).startsWith("enginex_oidc=;").contains("Expires=Thu, 01 Jan 1970"));
    }

    // ---- helpers ----

    /** A tenant whose single sign-on is issuer {@code issuerId} of the test provider. */
    static String configured(String issuerId) {
        String tenant = hub.newTenant();
        ISSUERS.put(tenant, issuerId);
        configure(tenant, issuerId);
        return tenant;
    }

    static final Map<String, String> ISSUERS = new java.util.concurrent.ConcurrentHashMap<>();

    static void configure(String tenant, String issuerId) {
        ISSUERS.put(tenant, issuerId);
        Response r = hub.api()
                .exchange(
                        "PUT",
                        "/api/v1/tenants/" + tenant + "/oidc",
                        hub.tenantKey(tenant, "admin"),
                        Map.of(),
                        body(tenant, issuerId, CLIENT_SECRET));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    static String issuerIdOf(String tenant) {
        return ISSUERS.get(tenant);
    }

    static Map<String, Object> body(String tenant, String issuerId, String secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("displayName", "Provider of " + tenant);
        body.put("issuer", idp.issuer(issuerId));
        body.put("clientId", "enginex-" + tenant);
        if (secret != null) {
            body.put("clientSecret", secret);
        }
        body.put("roleMap", Map.of("staff", "viewer", "it-ops", "operator", "hub-admins", "admin"));
        return body;
    }

    static Map<String, Object> claims(String email, String... groups) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("email", email);
        claims.put("email_verified", true);
        claims.put("groups", List.of(groups));
        return claims;
    }

    static List<String> types(String tenant) {
        return events(tenant).stream().map(AuditEvent::type).toList();
    }

    static AuditEvent last(String tenant, String type) {
        List<AuditEvent> of =
                events(tenant).stream().filter(e -> e.type().equals(type)).toList();
        assertThat(of).as("audit events " + type + " of " + tenant).isNotEmpty();
        return of.getLast();
    }

    static List<AuditEvent> events(String tenant) {
        // In the order they were written: each chain (one per hub node; one here) by its seq.
        var audit = hub.hub().stores().audit();
        return audit.heads(tenant).stream()
                .flatMap(head -> audit.chain(tenant, head.chain(), 0, 10_000).stream())
                .toList();
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return q;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(
                    URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static String form(Map<String, String> fields) {
        var parts = new ArrayList<String>();
        fields.forEach((k, v) -> parts.add(enc(k) + "=" + enc(v)));
        return String.join("&", parts);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static final Pattern REFRESH = Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"");

    /** Where a page that moves on by itself goes. */
    static String movesOnTo(String page) {
        Matcher m = REFRESH.matcher(page);
        assertThat(m.find()).as("a page that moves on: " + page).isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("a form with a csrf field").isTrue();
        return m.group(1);
    }

    /** A browser: keeps cookies (per site, as browsers do) and follows redirects across sites. */
    static final class Browser {
        private final HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        private final HttpClient noRedirects = HttpClient.newBuilder()
                .cookieHandler(http.cookieHandler().orElseThrow())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        private HttpResponse<String> lastFollowed;

        /** Clicks "Sign in with …" for {@code tenant} and follows every redirect; the last page. */
        HttpResponse<String> signIn(String tenant, String next) {
            return get("/ui/login/oidc?tenant=" + enc(tenant) + (next == null ? "" : "&next=" + enc(next)));
        }

        /**
         * Starts a sign-in and goes through the provider, stopping before the hub's callback: the
         * callback URL the provider sent the browser to.
         */
        URI callbackFromProvider(String tenant) {
            HttpResponse<String> start = send(noRedirects, URI.create(hub.url() + "/ui/login/oidc?tenant=" + tenant));
            assertThat(start.statusCode()).isEqualTo(303);
            URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
            HttpResponse<String> atProvider = send(noRedirects, authorize);
            assertThat(atProvider.statusCode()).as(atProvider.body()).isEqualTo(302);
            return URI.create(atProvider.headers().firstValue("Location").orElseThrow());
        }

        HttpResponse<String> get(String path) {
            return getAbsolute(URI.create(hub.url() + path));
        }

        HttpResponse<String> getAbsolute(URI url) {
            lastFollowed = send(http, url);
            return lastFollowed;
        }

        HttpResponse<String> post(String path, Map<String, String> form) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(hub.url() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(form(form)))
                    .build();
            lastFollowed = send(http, request);
            return lastFollowed;
        }

        /** A REST call with the dashboard's session cookie. */
        HttpResponse<String> api(String path) {
            return send(noRedirects, URI.create(hub.url() + path));
        }

        JsonNode json(String path) {
            HttpResponse<String> r = api(path);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            try {
                return TestHub.MAPPER.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The URL of a page on the way to the last one that starts with {@code prefix}. */
        Optional<URI> visited(String prefix) {
            List<HttpResponse<String>> chain = new ArrayList<>();
            for (Optional<HttpResponse<String>> r = Optional.of(lastFollowed);
                    r.isPresent();
                    r = r.get().previousResponse()) {
                chain.add(r.get());
            }
            return StreamSupport.stream(chain.spliterator(), false)
                    .map(HttpResponse::uri)
                    .filter(u -> u.toString().startsWith(prefix))
                    .findFirst();
        }

        private static HttpResponse<String> send(HttpClient client, URI uri) {
            return send(
                    client,
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build());
        }

        private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
            try {
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
