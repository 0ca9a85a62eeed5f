package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.store.User;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dashboard's cookies. The session cookie is the API's ({@value #SESSION_COOKIE}: HttpOnly,
 * SameSite=Strict, Secure unless the hub is plain HTTP on loopback), so a person signed in to the
 * dashboard is signed in to the API and the reverse. Forms prove they come from our pages with the
 * session's CSRF token (form field {@value #CSRF_FIELD} or header {@value #CSRF_HEADER}); the
 * sign-in form, which has no session yet, with a random token that must match the {@value
 * #SIGNIN_COOKIE} cookie (double submit). Thread-safe.
 */
final class SignIn {
    static final String SESSION_COOKIE = "enginex_session";
    static final String SIGNIN_COOKIE = "enginex_signin";
    static final String CSRF_FIELD = "csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String VIEWER = "enginex.dashboard.viewer";
    private static final String MUST_CHANGE = "enginex.dashboard.mustChangePassword";

    private final Users users;
    private final SecureRandom random = new SecureRandom();

    SignIn(Users users) {
        this.users = users;
    }

    /** The person signed in on this request, or null (no cookie, expired, or an unknown one). */
    Viewer viewer(Context ctx) {
        Viewer cached = ctx.attribute(VIEWER);
        if (cached != null) {
            return cached;
        }
        String cookie = ctx.cookie(SESSION_COOKIE);
        if (cookie == null || !cookie.startsWith(Users.SESSION_PREFIX)) {
            return null;
        }
        Caller caller;
        try {
            caller = users.authenticateSession(cookie);
        } catch (HubException.Unauthenticated expired) {
            return null;
        } catch (HubException.Forbidden oneTime) {
            // Signed in with a one-time password: no viewer until a new password is chosen.
            ctx.attribute(MUST_CHANGE, Boolean.TRUE);
            return null;
        }
        var user = users.find(caller.tenantId(), caller.actorId());
        Viewer viewer = new Viewer(
                user.id(),
                user.email(),
                user.tenantId(),
                caller.role(),
                Users.csrfToken(cookie),
                !User.NO_PASSWORD.equals(user.passwordHash()));
        ctx.attribute(VIEWER, viewer);
        return viewer;
    }

    /** Whether this request's session was opened with a one-time password (set by {@link #viewer}). */
    boolean mustChangePassword(Context ctx) {
        return viewer(ctx) == null && Boolean.TRUE.equals(ctx.attribute(MUST_CHANGE));
    }

    /**
     * The session of this request for the password page: also one opened with a one-time password.
     *
     * @return the session, or null without a valid one
     */
    Users.SessionUser passwordSession(Context ctx) {
        String cookie = ctx.cookie(SESSION_COOKIE);
        if (cookie == null || !cookie.startsWith(Users.SESSION_PREFIX)) {
            return null;
        }
        try {
            return users.sessionUser(cookie);
        } catch (HubException.Unauthenticated expired) {
            return null;
        }
    }

    /**
     * Checks a form of the password page carries the CSRF token of this request's session (which
     * may be one opened with a one-time password, so {@link #requireCsrf} with a viewer cannot).
     *
     * @throws HubException.Forbidden {@code csrf_failed} otherwise
     */
    void requireSessionCsrf(Context ctx) {
        String cookie = ctx.cookie(SESSION_COOKIE);
        String sent = ctx.formParam(CSRF_FIELD);
        if (cookie == null || sent == null || !Secrets.constantTimeEquals(sent, Users.csrfToken(cookie))) {
            throw csrfFailed();
        }
    }

    /** The session cookie's value, or null. */
    String sessionCookie(Context ctx) {
        return ctx.cookie(SESSION_COOKIE);
    }

    /**
     * Checks a state-changing request of {@code viewer} carries the session's CSRF token.
     *
     * @throws HubException.Forbidden {@code csrf_failed} otherwise
     */
    void requireCsrf(Context ctx, Viewer viewer) {
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null) {
            sent = ctx.formParam(CSRF_FIELD);
        }
        if (sent == null || !Secrets.constantTimeEquals(sent, viewer.csrfToken())) {
            throw csrfFailed();
        }
    }

    /** A fresh token for the sign-in form, also set as the {@value #SIGNIN_COOKIE} cookie. */
    String issueSignInToken(Context ctx) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ctx.cookie(cookie(ctx, SIGNIN_COOKIE, token, "/ui/login", 3600));
        return token;
    }

    /** @throws HubException.Forbidden {@code csrf_failed} unless the form's token matches its cookie */
    void requireSignInToken(Context ctx) {
        String cookie = ctx.cookie(SIGNIN_COOKIE);
        String sent = ctx.formParam(CSRF_FIELD);
        if (cookie == null || sent == null || !Secrets.constantTimeEquals(cookie, sent)) {
            throw csrfFailed();
        }
    }

    /** Sets the session cookie of a successful login. */
    void startSession(Context ctx, Users.Login login) {
        int maxAge = (int) (login.passwordChangeRequired() ? Users.PASSWORD_CHANGE_TTL : Users.SESSION_TTL).toSeconds();
        ctx.cookie(cookie(ctx, SESSION_COOKIE, login.cookieSecret(), "/", maxAge));
        ctx.removeCookie(SIGNIN_COOKIE, "/ui/login");
    }

    /**
     * Clears the session cookie of this request.
     *
     * @return the session's secret, for {@code Logins.signOut} to end it, or null when there was none
     */
    String endSession(Context ctx) {
        String cookie = ctx.cookie(SESSION_COOKIE);
        ctx.removeCookie(SESSION_COOKIE, "/");
        return cookie;
    }

    private static Cookie cookie(Context ctx, String name, String value, String path, int maxAgeSeconds) {
        return cookie(ctx, name, value, path, maxAgeSeconds, SameSite.STRICT);
    }

    /** An HttpOnly cookie, Secure unless the hub is plain HTTP on loopback. */
    static Cookie cookie(Context ctx, String name, String value, String path, int maxAgeSeconds, SameSite sameSite) {
        Cookie cookie = new Cookie(name, value);
        cookie.setPath(path);
        cookie.setHttpOnly(true);
        cookie.setSameSite(sameSite);
        cookie.setSecure(!plainLoopback(ctx));
        cookie.setMaxAge(maxAgeSeconds);
        return cookie;
    }

    private static HubException.Forbidden csrfFailed() {
        return new HubException.Forbidden(
                "csrf_failed",
                "this form has expired or did not come from this hub's pages; reload the page and try again");
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
