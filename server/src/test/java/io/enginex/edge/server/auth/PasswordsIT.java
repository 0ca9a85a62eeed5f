package io.enginex.edge.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.CapturedLog;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local passwords against a real hub and PostgreSQL (issue 21): one-time passwords work once and only
 * to choose a new password, they expire, a person changes their own password (ending their other
 * sessions), the NIST SP 800-63B policy names the rule a password breaks, and no password reaches the
 * log or the audit trail. API and dashboard go through the same {@link Logins} use case.
 */
class PasswordsIT {
    @TempDir
    static Path dir;

    static final ShiftableClock clock = new ShiftableClock();
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir, b -> {}, clock);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** A cookie session of the API. */
    record Session(String cookie, String csrf, Response login) {
        Map<String, String> read() {
            return Map.of("Cookie", cookie);
        }

        Map<String, String> write() {
            return Map.of("Cookie", cookie, "X-CSRF-Token", csrf);
        }

        static Session of(Response login) {
            assertThat(login.status()).as(login.text()).isEqualTo(200);
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            return new Session(setCookie.substring(0, setCookie.indexOf(';')), login.get("csrfToken"), login);
        }
    }

    /** A new user with a generated (one-time) password: [user id, password]. */
    static String[] newUser(String tenant, String email) {
        Response r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", "admin"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return new String[] {r.body().path("user").path("id").asText(), r.get("password")};
    }

    static Response login(String email, String password) {
        return hub.api().post("/api/v1/login", null, Map.of("email", email, "password", password));
    }

    static Response changePassword(Session s, Map<String, String> body) {
        return hub.api().exchange("POST", "/api/v1/me/password", null, s.write(), body);
    }

    static Response me(Session s) {
        return hub.api().exchange("GET", "/api/v1/me", null, s.read(), null);
    }

    @Test
    void aOneTimePasswordSignsInOnceAndOnlyToChooseANewPassword() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("new") + "@example.com";
        String oneTime = newUser(tenant, email)[1];

        String unused = passwordState(tenant, email);
        Session restricted = Session.of(login(email, oneTime));
        String used = passwordState(tenant, email);
        Response meBefore = me(restricted);
        Response tokens = hub.api()
                .exchange("GET", "/api/v1/tenants/" + tenant + "/registration-tokens", null, restricted.read(), null);
        Response again = login(email, oneTime);
        Response changed = changePassword(restricted, Map.of("newPassword", "saffron meadow lantern nine"));
        Session full = Session.of(changed);
        Response meAfter = me(full);
        Response oldSessionAfter = me(restricted);

        assertThat(restricted.login().body().path("passwordChangeRequired").asBoolean())
                .isTrue();
        assertThat(restricted.login().get("changePassword")).isEqualTo("POST /api/v1/me/password");
        assertThat(restricted.login().headers().firstValue("Set-Cookie").orElseThrow())
                .contains("Max-Age=900");
        assertThat(meBefore.status()).isEqualTo(403);
        assertThat(meBefore.code()).isEqualTo("password_change_required");
        assertThat(meBefore.message()).contains("POST /api/v1/me/password");
        assertThat(tokens.status()).isEqualTo(403);
        assertThat(tokens.code()).isEqualTo("password_change_required");
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.code()).isEqualTo("one_time_password_used");
        assertThat(changed.body().path("passwordChangeRequired").asBoolean()).isFalse();
        assertThat(meAfter.status()).as(meAfter.text()).isEqualTo(200);
        assertThat(meAfter.get("role")).isEqualTo("admin");
        assertThat(oldSessionAfter.status()).isEqualTo(401);
        assertThat(login(email, oneTime).status()).isEqualTo(401);
        assertThat(unused).isEqualTo("one-time");
        assertThat(used).isEqualTo("one-time-used");
        assertThat(passwordState(tenant, email)).isEqualTo("chosen");
        assertThat(Session.of(login(email, "saffron meadow lantern nine"))
                        .login()
                        .body()
                        .path("passwordChangeRequired")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aOneTimePasswordExpiresAfter24Hours() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("late") + "@example.com";
        String[] user = newUser(tenant, email);
        String reset = hub.api()
                .post("/api/v1/tenants/" + tenant + "/users/" + user[0] + "/password", hub.platformKey(), Map.of())
                .get("password");

        clock.shift(Users.ONE_TIME_TTL.plus(Duration.ofSeconds(1)));
        Response late;
        try {
            late = login(email, reset);
        } finally {
            clock.shift(Users.ONE_TIME_TTL.plus(Duration.ofSeconds(1)).negated());
        }

        assertThat(late.status()).isEqualTo(401);
        assertThat(late.code()).isEqualTo("one_time_password_expired");
        assertThat(late.message()).contains("24 h").contains("ask an admin");
        assertThat(login(email, user[1]).code())
                .as("the reset replaced the first one")
                .isEqualTo("invalid_credentials");
    }

    @Test
    void changingYourOwnPasswordNeedsTheCurrentOneAndEndsYourOtherSessions() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("self") + "@example.com";
        String[] user = newUser(tenant, email);
        Session first = Session.of(changePassword(
                Session.of(login(email, user[1])), Map.of("newPassword", "first chosen passphrase here")));
        Session second = Session.of(login(email, "first chosen passphrase here"));

        Response noCsrf = hub.api()
                .exchange(
                        "POST",
                        "/api/v1/me/password",
                        null,
                        first.read(),
                        Map.of("currentPassword", "first chosen passphrase here", "newPassword", "x"));
        Response withKey = hub.api()
                .post(
                        "/api/v1/me/password",
                        hub.tenantKey(tenant, "admin"),
                        Map.of("currentPassword", "a", "newPassword", "b"));
        Response wrongCurrent = changePassword(
                first, Map.of("currentPassword", "not my password at all", "newPassword", "second chosen passphrase"));
        Response missingCurrent = changePassword(first, Map.of("newPassword", "second chosen passphrase"));
        Response same = changePassword(
                first,
                Map.of(
                        "currentPassword",
                        "first chosen passphrase here",
                        "newPassword",
                        "first chosen passphrase here"));
        Response ok = changePassword(
                first,
                Map.of("currentPassword", "first chosen passphrase here", "newPassword", "second chosen passphrase"));

        assertThat(noCsrf.code()).isEqualTo("csrf_failed");
        assertThat(withKey.status()).isEqualTo(401);
        assertThat(withKey.code()).isEqualTo("session_required");
        assertThat(wrongCurrent.status()).isEqualTo(401);
        assertThat(wrongCurrent.code()).isEqualTo("wrong_password");
        assertThat(missingCurrent.code()).isEqualTo("wrong_password");
        assertThat(same.status()).isEqualTo(400);
        assertThat(same.code()).isEqualTo("same_password");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(me(Session.of(ok)).status()).isEqualTo(200);
        assertThat(me(first).status())
                .as("the session that changed it is replaced")
                .isEqualTo(401);
        assertThat(me(second).status()).as("another browser's session ends").isEqualTo(401);
        assertThat(login(email, "first chosen passphrase here").code()).isEqualTo("invalid_credentials");

        JsonNode events = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=password.changed", hub.platformKey())
                .body()
                .path("events");
        assertThat(events).hasSize(5); // one-time replaced, wrong, missing, same, ok
        assertThat(events.toString())
                .contains(user[0])
                .contains("wrong_password")
                .contains("same_password")
                .doesNotContain("chosen passphrase")
                .doesNotContain("not my password");
    }

    @Test
    void thePolicyNamesTheRuleABadPasswordBreaks() {
        String tenant = hub.newTenant();
        String email = "grace.hopper." + TestHub.randomId("p") + "@example.com";
        Session s = Session.of(login(email, newUser(tenant, email)[1]));

        Response tooShort = changePassword(s, Map.of("newPassword", "short one"));
        Response common = changePassword(s, Map.of("newPassword", "Password1234567!"));
        Response withName = changePassword(s, Map.of("newPassword", "admiral hopper sails on"));
        Response byAdmin = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", TestHub.randomId("w") + "@example.com", "password", "qwertyuiopasdfghjkl"));
        Response unicode = changePassword(s, Map.of("newPassword", "ﾊﾟｽﾜｰﾄﾞは長くて安全ですよね本当に"));

        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.code()).isEqualTo("weak_password");
        assertThat(tooShort.message()).contains("at least 15 characters");
        assertThat(common.message()).contains("commonly used or breached");
        assertThat(withName.message()).contains("your email address").contains("hopper");
        assertThat(byAdmin.code()).isEqualTo("weak_password");
        assertThat(unicode.status()).as(unicode.text()).isEqualTo(200);
        // NFKC: the full-width and half-width forms are the same password
        assertThat(login(email, "パスワードは長くて安全ですよね本当に").status()).isEqualTo(200);
    }

    @Test
    void theDashboardLeadsAOneTimeSignInToChooseAPasswordAndOffersAChangeToEveryone() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("ui") + "@example.com";
        String oneTime = newUser(tenant, email)[1];
        Browser browser = new Browser(hub.url());
        Browser other = new Browser(hub.url());
        String chosen = "quiet river under stone";

        var signIn = browser.signInAttempt(email, oneTime);
        var fleet = browser.get("/ui/fleet");
        var form = browser.get("/ui/password");
        var mismatch = browser.post(
                "/ui/password", Map.of("csrf", Browser.csrf(form.body()), "password", chosen, "confirm", chosen + "!"));
        var weak = browser.post(
                "/ui/password", Map.of("csrf", Browser.csrf(form.body()), "password", "short", "confirm", "short"));
        var saved = browser.post(
                "/ui/password", Map.of("csrf", Browser.csrf(form.body()), "password", chosen, "confirm", chosen));
        var done = browser.get("/ui/password?changed");
        var fleetAfter = browser.get("/ui/fleet");
        var reused = new Browser(hub.url()).signInAttempt(email, oneTime);

        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.headers().firstValue("Location")).hasValue("/ui/password");
        assertThat(fleet.statusCode()).isEqualTo(303);
        assertThat(fleet.headers().firstValue("Location")).hasValue("/ui/password");
        assertThat(form.body()).contains("Choose your password").doesNotContain("name=\"current\"");
        assertThat(form.body()).doesNotContain("aria-label=\"Main\"");
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(mismatch.body()).contains("The two new passwords differ");
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(weak.body()).contains("at least 15 characters");
        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(saved.headers().firstValue("Location")).hasValue("/ui/password?changed");
        assertThat(done.body()).contains("Your password is changed").contains("Change your password");
        assertThat(fleetAfter.statusCode()).isEqualTo(200);
        assertThat(fleetAfter.body()).contains("href=\"/ui/password\"");
        assertThat(reused.statusCode()).isEqualTo(401);
        assertThat(reused.body()).contains("Wrong email or password.");

        // A signed-in person's change asks for the current password and signs out the other browser.
        other.signIn(email, chosen);
        var page = browser.get("/ui/password");
        var wrong = browser.post(
                "/ui/password",
                Map.of(
                        "csrf",
                        Browser.csrf(page.body()),
                        "current",
                        "wrong",
                        "password",
                        "brand new phrase ok",
                        "confirm",
                        "brand new phrase ok"));
        var changed = browser.post(
                "/ui/password",
                Map.of(
                        "csrf",
                        Browser.csrf(page.body()),
                        "current",
                        chosen,
                        "password",
                        "brand new phrase ok",
                        "confirm",
                        "brand new phrase ok"));

        assertThat(page.body()).contains("name=\"current\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Your current password is wrong.");
        assertThat(changed.statusCode()).isEqualTo(303);
        assertThat(browser.get("/ui/fleet").statusCode()).isEqualTo(200);
        assertThat(other.get("/ui/fleet").headers().firstValue("Location").orElseThrow())
                .startsWith("/ui/login");
    }

    @Test
    void noPasswordReachesTheLog() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("log") + "@example.com";
        String chosen = "crimson ledger falcon tide";
        String oneTime;
        try (CapturedLog log = CapturedLog.text()) {
            oneTime = newUser(tenant, email)[1];
            Session s = Session.of(login(email, oneTime));
            changePassword(s, Map.of("newPassword", "Password1234567!"));
            Session full = Session.of(changePassword(s, Map.of("newPassword", chosen)));
            changePassword(full, Map.of("currentPassword", "a wrong current one", "newPassword", "whatever it is now"));
            login(email, oneTime);

            assertThat(String.join("\n", log.lines()))
                    .doesNotContain(oneTime)
                    .doesNotContain(chosen)
                    .doesNotContain("Password1234567!")
                    .doesNotContain("a wrong current one")
                    .doesNotContain("whatever it is now");
        }
    }

    /** The user's {@code passwordState} as an admin's user list shows it. */
    private static String passwordState(String tenant, String email) {
        Response users = hub.api().get("/api/v1/tenants/" + tenant + "/users", hub.platformKey());
        assertThat(users.status()).as(users.text()).isEqualTo(200);
        for (var u : users.body()) {
            if (u.path("email").asText().equals(email)) {
                return u.path("passwordState").asText();
            }
        }
        throw new AssertionError("no user " + email + " in " + users.text());
    }
}
