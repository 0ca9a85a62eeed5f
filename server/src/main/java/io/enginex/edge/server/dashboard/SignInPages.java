package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Passwords;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.HubErrors;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.sso.SingleSignOn;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Sign-in and sign-out: {@code GET/POST /ui/login}, {@code POST /ui/logout}, and {@code /} and
 * {@code /ui} sending people to their start page; {@code GET/POST /ui/password}, where a signed-in
 * person changes their password and where signing in with a one-time password leads (no other page
 * opens until a new password is chosen). For a tenant with single sign-on ({@code ?tenant=…}, or the
 * tenant of this browser's last single sign-on) the page also offers "Sign in with" its provider
 * ({@link SingleSignOnPages}), and signing out of such a session also ends it at the provider when the
 * provider offers that. A wrong password and an unknown email fail alike
 * (the API's generic {@code invalid_credentials}), attempts spend the API login's rate limits, and
 * {@link Logins} audits both outcomes as it does for the API.
 */
public final class SignInPages implements PageGroup {
    static final String HOME = "/ui/fleet";
    static final String CHANGE_PASSWORD = "/ui/password";

    private final Logins logins;
    private final SingleSignOn sso;
    private final RateLimiter perAddress;
    private final RateLimiter perEmail;

    SignInPages(Logins logins, SingleSignOn sso, RateLimiter perAddress, RateLimiter perEmail) {
        this.logins = logins;
        this.sso = sso;
        this.perAddress = perAddress;
        this.perEmail = perEmail;
    }

    /**
     * The sign-in page's model.
     *
     * @param sso the tenant whose single sign-on the page offers (asked for with {@code ?tenant=}, or
     *     remembered from this browser's last single sign-on), or null
     * @param ssoMissing the tenant asked for when it has no single sign-on (or does not exist), or null
     */
    public record SignInView(
            Page page, String csrf, String email, String next, String error, SsoChoice sso, String ssoMissing) {}

    /** A tenant's single sign-on on the sign-in page: the button's target and the provider's name. */
    public record SsoChoice(String tenant, String providerName, String startUrl) {}

    /**
     * The password page's model.
     *
     * @param oneTime signed in with a one-time password: no current password asked, no navigation
     */
    public record PasswordView(Page page, String csrf, String email, boolean oneTime, int minLength, String error) {}

    @Override
    public void register(Pages pages) {
        pages.open("/", (ctx, viewer) -> Pages.redirect(ctx, "/ui"));
        pages.open("/ui", (ctx, viewer) -> Pages.redirect(ctx, viewer == null ? "/ui/login" : HOME));
        pages.open("/ui/login", (ctx, viewer) -> {
            if (viewer != null) {
                Pages.redirect(ctx, next(ctx.queryParam("next")));
                return;
            }
            form(pages, ctx, "", next(ctx.queryParam("next")), null);
        });
        pages.openPost("/ui/login", (ctx, viewer) -> signIn(pages, ctx));
        pages.open(CHANGE_PASSWORD, (ctx, viewer) -> {
            Users.SessionUser session = pages.signIn().passwordSession(ctx);
            if (session == null) {
                Pages.redirect(ctx, "/ui/login?next=" + CHANGE_PASSWORD);
                return;
            }
            passwordForm(pages, ctx, viewer, session, null);
        });
        pages.openPost(CHANGE_PASSWORD, (ctx, viewer) -> changePassword(pages, ctx, viewer));
        pages.post("/ui/logout", Role.VIEWER, (ctx, viewer) -> {
            String cookie = pages.signIn().endSession(ctx);
            if (cookie != null) {
                logins.signOut(viewer.caller(), cookie, Origin.dashboard(ctx.ip()));
            }
            // A person of single sign-on is signed out at the provider too, when it offers that;
            // by a page that moves on, as the CSP's form-action stops a form's redirect to another site.
            Optional<URI> atProvider = sso.logout(viewer.tenantId(), viewer.userId());
            if (atProvider.isPresent()) {
                SingleSignOnPages.movingOn(
                        pages,
                        ctx,
                        "Signing you out",
                        "You are signed out of this hub; now of your provider too.",
                        atProvider.get().toString());
            } else {
                Pages.redirect(ctx, SingleSignOn.AFTER_LOGOUT);
            }
        });
    }

    private void signIn(Pages pages, Context ctx) {
        String email =
                ctx.formParam("email") == null ? "" : ctx.formParam("email").strip();
        String next = ctx.formParam("next");
        try {
            pages.signIn().requireSignInToken(ctx);
        } catch (HubException.Forbidden e) {
            HubErrors.answer(ctx, e);
            form(pages, ctx, email, next, "This form expired. Sign in again.");
            return;
        }
        String password = ctx.formParam("password");
        if (email.isEmpty() || password == null || password.isEmpty()) {
            HubErrors.answer(ctx, new HubException.BadRequest("email and password are required"));
            form(pages, ctx, email, next, "Enter your email and password.");
            return;
        }
        Users.Login login;
        try {
            perAddress.acquire(ctx.ip());
            perEmail.acquire(email.toLowerCase(Locale.ROOT));
            login = logins.signIn(email, password, Origin.dashboard(ctx.ip()));
        } catch (HubException.RateLimited e) {
            HubErrors.answer(ctx, e);
            form(pages, ctx, email, next, "Too many sign-in attempts. Try again in " + e.retryAfterSeconds() + " s.");
            return;
        } catch (HubException.Unauthenticated | HubException.BadRequest e) {
            // A malformed email is answered like a wrong one: the form does not say which emails exist.
            HubErrors.answer(
                    ctx,
                    e instanceof HubException.Unauthenticated wrong
                            ? wrong
                            : new HubException.Unauthenticated("invalid_credentials", e.getMessage()));
            form(pages, ctx, email, next, "Wrong email or password.");
            return;
        }
        pages.signIn().startSession(ctx, login);
        Pages.redirect(ctx, login.passwordChangeRequired() ? CHANGE_PASSWORD : next(next));
    }

    /** The password page's form: the one-time password's replacement, or a signed-in person's change. */
    private void changePassword(Pages pages, Context ctx, Viewer viewer) {
        Users.SessionUser session = pages.signIn().passwordSession(ctx);
        if (session == null) {
            Pages.redirect(ctx, "/ui/login?next=" + CHANGE_PASSWORD);
            return;
        }
        pages.signIn().requireSessionCsrf(ctx);
        String current = ctx.formParam("current");
        String chosen = ctx.formParam("password");
        if (chosen == null || chosen.isEmpty()) {
            HubErrors.answer(ctx, new HubException.BadRequest("a new password is required"));
            passwordForm(pages, ctx, viewer, session, "Enter your new password.");
            return;
        }
        if (!chosen.equals(ctx.formParam("confirm"))) {
            HubErrors.answer(ctx, new HubException.BadRequest("the two new passwords differ"));
            passwordForm(pages, ctx, viewer, session, "The two new passwords differ; type the same one twice.");
            return;
        }
        Users.Login login;
        try {
            perEmail.acquire(session.user().email());
            login = logins.changeOwnPassword(
                    pages.signIn().sessionCookie(ctx), current, chosen, Origin.dashboard(ctx.ip()));
        } catch (HubException.RateLimited e) {
            HubErrors.answer(ctx, e);
            passwordForm(
                    pages, ctx, viewer, session, "Too many attempts. Try again in " + e.retryAfterSeconds() + " s.");
            return;
        } catch (HubException.BadRequest e) {
            HubErrors.answer(ctx, e);
            passwordForm(pages, ctx, viewer, session, capitalized(e.getMessage()) + ".");
            return;
        } catch (HubException.Unauthenticated e) {
            if (!"wrong_password".equals(e.code())) {
                throw e;
            }
            HubErrors.answer(ctx, e);
            passwordForm(pages, ctx, viewer, session, "Your current password is wrong.");
            return;
        }
        pages.signIn().startSession(ctx, login);
        Pages.redirect(ctx, CHANGE_PASSWORD + "?changed");
    }

    private static void passwordForm(Pages pages, Context ctx, Viewer viewer, Users.SessionUser session, String error) {
        boolean oneTime = session.passwordChangeOnly();
        Page page =
                pages.page(oneTime ? "Choose your password" : "Change your password", oneTime ? null : viewer, null);
        if (ctx.queryParam("changed") != null && error == null) {
            page = page.withFlash("Your password is changed. Every other session of yours is signed out.");
        }
        pages.render(
                ctx,
                "password.jte",
                new PasswordView(
                        page,
                        Users.csrfToken(pages.signIn().sessionCookie(ctx)),
                        session.user().email(),
                        oneTime,
                        Passwords.MIN_LENGTH,
                        error));
    }

    private static String capitalized(String message) {
        return message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1);
    }

    private void form(Pages pages, Context ctx, String email, String next, String error) {
        String csrf = pages.signIn().issueSignInToken(ctx);
        Page page = pages.page("Sign in", null, null);
        if (ctx.queryParam("signedOut") != null) {
            page = page.withFlash("You are signed out.");
        }
        String asked = ctx.queryParam("tenant");
        String tenant = asked != null && !asked.isBlank() ? asked.strip() : ctx.cookie(SingleSignOnPages.TENANT_COOKIE);
        SsoChoice choice = sso.providerName(tenant)
                .map(name -> new SsoChoice(
                        tenant, name, SingleSignOnPages.START + "?tenant=" + enc(tenant) + "&next=" + enc(next(next))))
                .orElse(null);
        String missing = choice == null && asked != null && !asked.isBlank()
                ? (asked.strip().length() > 64 ? asked.strip().substring(0, 64) + "…" : asked.strip())
                : null;
        pages.render(ctx, "signin.jte", new SignInView(page, csrf, email, next(next), error, choice, missing));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Where to go after signing in: a dashboard path on this hub only (see {@link LocalPath}). */
    static String next(String next) {
        return LocalPath.orElse(next, HOME);
    }
}
