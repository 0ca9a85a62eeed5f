package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.HubErrors;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Sign-in and sign-out: {@code GET/POST /ui/login}, {@code POST /ui/logout}, and {@code /} and
 * {@code /ui} sending people to their start page. A wrong password and an unknown email fail alike
 * (the API's generic {@code invalid_credentials}), attempts spend the API login's rate limits, and
 * {@link Logins} audits both outcomes as it does for the API.
 */
public final class SignInPages implements PageGroup {
    static final String HOME = "/ui/fleet";

    private final Logins logins;
    private final RateLimiter perAddress;
    private final RateLimiter perEmail;

    SignInPages(Logins logins, RateLimiter perAddress, RateLimiter perEmail) {
        this.logins = logins;
        this.perAddress = perAddress;
        this.perEmail = perEmail;
    }

    /** The sign-in page's model. */
    public record SignInView(Page page, String csrf, String email, String next, String error) {}

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
        pages.post("/ui/logout", Role.VIEWER, (ctx, viewer) -> {
            String cookie = pages.signIn().endSession(ctx);
            if (cookie != null) {
                logins.signOut(viewer.caller(), cookie, Origin.dashboard(ctx.ip()));
            }
            Pages.redirect(ctx, "/ui/login?signedOut");
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
        Pages.redirect(ctx, next(next));
    }

    private static void form(Pages pages, Context ctx, String email, String next, String error) {
        String csrf = pages.signIn().issueSignInToken(ctx);
        Page page = pages.page("Sign in", null, null);
        if (ctx.queryParam("signedOut") != null) {
            page = page.withFlash("You are signed out.");
        }
        pages.render(ctx, "signin.jte", new SignInView(page, csrf, email, next(next), error));
    }

    /** Where to go after signing in: a dashboard path on this hub only (see {@link LocalPath}). */
    static String next(String next) {
        return LocalPath.orElse(next, HOME);
    }
}
