package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.HubErrors;
import io.enginex.edge.server.http.RateLimiter;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/**
 * Sign-in and sign-out: {@code GET/POST /ui/login}, {@code POST /ui/logout}, and {@code /} and
 * {@code /ui} sending people to their start page. A wrong password and an unknown email fail alike
 * (the API's generic {@code invalid_credentials}), attempts spend the API login's rate limits, and
 * both outcomes are audited as the API audits them.
 */
public final class SignInPages implements PageGroup {
    static final String HOME = "/ui/fleet";

    private final Users users;
    private final Audit audit;
    private final RateLimiter perAddress;
    private final RateLimiter perEmail;

    SignInPages(Users users, Audit audit, RateLimiter perAddress, RateLimiter perEmail) {
        this.users = users;
        this.audit = audit;
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
            pages.signIn().endSession(ctx);
            audit.record(
                    viewer.tenantId(),
                    AuditType.SESSION_ENDED,
                    new Actor("user", viewer.userId()),
                    ctx.ip(),
                    Audit.Target.NONE,
                    Audit.Outcome.SUCCESS,
                    Map.of());
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
            login = users.login(email, password, ctx.ip());
        } catch (HubException.RateLimited e) {
            HubErrors.answer(ctx, e);
            form(pages, ctx, email, next, "Too many sign-in attempts. Try again in " + e.retryAfterSeconds() + " s.");
            return;
        } catch (HubException.Unauthenticated | HubException.BadRequest e) {
            audit.record(
                    users.findByEmail(email).map(u -> u.tenantId()).orElse(null),
                    AuditType.LOGIN_FAILED,
                    Actor.anonymous(email.length() > 320 ? email.substring(0, 320) : email),
                    ctx.ip(),
                    Audit.Target.NONE,
                    Audit.Outcome.FAILURE,
                    Map.of("reason", e.code(), "via", "dashboard"));
            // A malformed email is answered like a wrong one: the form does not say which emails exist.
            HubErrors.answer(
                    ctx,
                    e instanceof HubException.Unauthenticated wrong
                            ? wrong
                            : new HubException.Unauthenticated("invalid_credentials", e.getMessage()));
            form(pages, ctx, email, next, "Wrong email or password.");
            return;
        }
        var user = login.user();
        audit.record(
                user.tenantId(),
                AuditType.LOGIN_SUCCEEDED,
                new Actor("user", user.id()),
                ctx.ip(),
                new Audit.Target("user", user.id()),
                Audit.Outcome.SUCCESS,
                Map.of("via", "dashboard"));
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
