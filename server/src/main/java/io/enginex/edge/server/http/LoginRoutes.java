package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.IdentityViews.LoginView;
import io.enginex.edge.server.http.IdentityViews.MeView;
import io.enginex.edge.server.http.IdentityViews.UserView;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.store.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Browser login: {@code POST /api/v1/login} sets the session cookie (HttpOnly, SameSite=Strict,
 * Secure unless the hub is plain HTTP on loopback) and returns the CSRF token; {@code POST
 * /api/v1/logout} ends it; {@code GET /api/v1/me} says who the caller is; {@code POST
 * /api/v1/me/password} changes the caller's own password (also the only thing a session opened with
 * a one-time password may do). Attempts are rate-limited
 * per source address and per email; the rest is {@link Logins}.
 */
final class LoginRoutes {
    private final Logins logins;
    private final ApiAccess access;
    private final RateLimiter perAddress;
    private final RateLimiter perEmail;
    private final ObjectMapper mapper;

    LoginRoutes(Logins logins, ApiAccess access, RateLimiter perAddress, RateLimiter perEmail, ObjectMapper mapper) {
        this.logins = logins;
        this.access = access;
        this.perAddress = perAddress;
        this.perEmail = perEmail;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/login", this::login, ApiTrait.PUBLIC);
        routes.post("/api/v1/logout", this::logout, ApiTrait.PUBLIC);
        routes.get("/api/v1/me", this::me);
        routes.post("/api/v1/me/password", this::changePassword, ApiTrait.SESSION);
    }

    private void login(Context ctx) {
        perAddress.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        String email = body.requiredText("email");
        String password = body.requiredText("password");
        perEmail.acquire(email.strip().toLowerCase(java.util.Locale.ROOT));
        Users.Login login = logins.signIn(email, password, Origin.api(ctx.ip()));
        answerSession(ctx, login);
    }

    /**
     * The signed-in person's own password: {@code {"currentPassword": …, "newPassword": …}} (no
     * current password after signing in with a one-time password). Needs the session cookie and its
     * CSRF token; API keys have no password. Answers like a login, with the new session that
     * replaces every other of the user.
     */
    private void changePassword(Context ctx) {
        String cookie = ctx.cookie(ApiAccess.SESSION_COOKIE);
        if (ctx.header("Authorization") != null || cookie == null || !cookie.startsWith(Users.SESSION_PREFIX)) {
            throw new HubException.Unauthenticated(
                    "session_required",
                    "changing your password needs the session cookie of POST /api/v1/login; API keys have no"
                            + " password");
        }
        String csrf = ctx.header(ApiAccess.CSRF_HEADER);
        if (csrf == null || !Secrets.constantTimeEquals(csrf, Users.csrfToken(cookie))) {
            throw new HubException.Forbidden(
                    "csrf_failed",
                    "this request changes state and needs the " + ApiAccess.CSRF_HEADER
                            + " header from the login response");
        }
        Users.SessionUser session = logins.session(cookie);
        JsonBody body = JsonBody.read(ctx, mapper);
        String chosen = body.requiredText("newPassword");
        String current = body.text("currentPassword", null);
        perEmail.acquire(session.user().email());
        Users.Login login = logins.changeOwnPassword(cookie, current, chosen, Origin.api(ctx.ip()));
        answerSession(ctx, login);
    }

    private void answerSession(Context ctx, Users.Login login) {
        Cookie cookie = new Cookie(ApiAccess.SESSION_COOKIE, login.cookieSecret());
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setSecure(!plainLoopback(ctx));
        cookie.setMaxAge(
                (int) (login.passwordChangeRequired() ? Users.PASSWORD_CHANGE_TTL : Users.SESSION_TTL).toSeconds());
        ctx.cookie(cookie);
        ctx.header("Cache-Control", "no-store");
        ctx.json(LoginView.of(login));
    }

    private void logout(Context ctx) {
        String cookie = ctx.cookie(ApiAccess.SESSION_COOKIE);
        if (cookie != null) {
            Caller caller;
            try {
                caller = access.caller(ctx); // checks the CSRF token: a foreign page cannot log a user out
            } catch (HubException.Unauthenticated expired) {
                ctx.removeCookie(ApiAccess.SESSION_COOKIE, "/");
                ctx.status(204);
                return;
            }
            logins.signOut(caller, cookie, Origin.api(ctx.ip()));
        }
        ctx.removeCookie(ApiAccess.SESSION_COOKIE, "/");
        ctx.status(204);
    }

    private void me(Context ctx) {
        Caller caller = access.caller(ctx);
        User found = logins.whoAmI(caller);
        UserView user = found == null ? null : UserView.of(found);
        ctx.json(new MeView(
                caller.kind().wire(),
                caller.actorId(),
                caller.tenantId(),
                caller.role().wire(),
                user));
    }

    /** Plain HTTP is only allowed on loopback (HubConfig checks), where a Secure cookie would not be sent. */
    private static boolean plainLoopback(Context ctx) {
        if (!"http".equals(ctx.scheme())) {
            return false;
        }
        try {
            return InetAddress.getByName(ctx.ip()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
