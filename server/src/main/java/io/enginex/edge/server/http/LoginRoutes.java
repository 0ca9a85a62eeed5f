package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.IdentityViews.LoginView;
import io.enginex.edge.server.http.IdentityViews.MeView;
import io.enginex.edge.server.http.IdentityViews.UserView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Browser login: {@code POST /api/v1/login} sets the session cookie (HttpOnly, SameSite=Strict,
 * Secure unless the hub is plain HTTP on loopback) and returns the CSRF token; {@code POST
 * /api/v1/logout} ends it; {@code GET /api/v1/me} says who the caller is. Attempts are rate-limited
 * per source address and per email.
 */
final class LoginRoutes {
    private final Users users;
    private final ApiAccess access;
    private final Audit audit;
    private final RateLimiter perAddress;
    private final RateLimiter perEmail;
    private final ObjectMapper mapper;

    LoginRoutes(
            Users users,
            ApiAccess access,
            Audit audit,
            RateLimiter perAddress,
            RateLimiter perEmail,
            ObjectMapper mapper) {
        this.users = users;
        this.access = access;
        this.audit = audit;
        this.perAddress = perAddress;
        this.perEmail = perEmail;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/login", this::login);
        routes.post("/api/v1/logout", this::logout);
        routes.get("/api/v1/me", this::me);
    }

    private void login(Context ctx) {
        perAddress.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        String email = body.requiredText("email");
        String password = body.requiredText("password");
        perEmail.acquire(email.strip().toLowerCase(java.util.Locale.ROOT));
        Users.Login login;
        try {
            login = users.login(email, password, ctx.ip());
        } catch (HubException.Unauthenticated e) {
            audit.record(
                    users.findByEmail(email).map(u -> u.tenantId()).orElse(null),
                    AuditType.LOGIN_FAILED,
                    Actor.anonymous(email.length() > 320 ? email.substring(0, 320) : email),
                    ctx.ip(),
                    Audit.Target.NONE,
                    Audit.Outcome.FAILURE,
                    Map.of("reason", e.code()));
            throw e;
        }
        var user = login.user();
        audit.record(
                user.tenantId(),
                AuditType.LOGIN_SUCCEEDED,
                new Actor("user", user.id()),
                ctx.ip(),
                new Audit.Target("user", user.id()),
                Audit.Outcome.SUCCESS,
                Map.of());
        Cookie cookie = new Cookie(ApiAccess.SESSION_COOKIE, login.cookieSecret());
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setSecure(!plainLoopback(ctx));
        cookie.setMaxAge((int) Users.SESSION_TTL.toSeconds());
        ctx.cookie(cookie);
        ctx.header("Cache-Control", "no-store");
        ctx.json(new LoginView(UserView.of(user), login.csrfToken(), login.expiresAt()));
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
            users.logout(cookie);
            audit.record(
                    caller.tenantId(),
                    AuditType.SESSION_ENDED,
                    Actor.of(caller),
                    ctx.ip(),
                    Audit.Target.NONE,
                    Audit.Outcome.SUCCESS,
                    Map.of());
        }
        ctx.removeCookie(ApiAccess.SESSION_COOKIE, "/");
        ctx.status(204);
    }

    private void me(Context ctx) {
        Caller caller = access.caller(ctx);
        UserView user =
                caller.kind() == Caller.Kind.USER ? UserView.of(users.find(caller.tenantId(), caller.actorId())) : null;
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
