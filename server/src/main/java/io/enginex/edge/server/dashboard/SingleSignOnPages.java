package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.sso.SingleSignOn;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signing in through a tenant's OpenID provider: {@code GET /ui/login/oidc?tenant=…} starts it (a
 * 303 to the provider, with the sealed sign-in state in a cookie) and {@code GET
 * /ui/login/oidc/callback} is where the provider sends the browser back ({@link SingleSignOn}
 * checks everything and signs the person in). Both spend the sign-in form's per-address budget.
 *
 * <p>Cookies: the sign-in state travels in {@value #STATE_COOKIE}, SameSite=Lax because the
 * provider's redirect back is a cross-site navigation, which carries no Strict cookie; the session
 * cookie stays Strict, so the callback answers with a page that moves on by itself ({@code
 * moving-on.jte}, a meta refresh), a same-site navigation that carries the new session. The
 * tenant of the last single sign-on is remembered in {@value #TENANT_COOKIE} so that the sign-in
 * page offers its provider next time. Signing out goes to the provider the same way ({@link
 * #movingOn}): the pages' CSP allows forms to post to the hub only ({@code form-action 'self'}),
 * which also stops a form's redirect to another site.
 */
public final class SingleSignOnPages implements PageGroup {
    static final String START = "/ui/login/oidc";
    static final String STATE_COOKIE = "enginex_oidc";
    static final String TENANT_COOKIE = "enginex_sso_tenant";

    private final SingleSignOn sso;
    private final RateLimiter perAddress;

    SingleSignOnPages(SingleSignOn sso, RateLimiter perAddress) {
        this.sso = sso;
        this.perAddress = perAddress;
    }

    /** A page that moves on to {@code target} by itself (a meta refresh), with a link for when it does not. */
    public record MovingOnView(Page page, String message, String target) {}

    /** Answers with a page that moves on to {@code target}: a navigation of the page, not of a form. */
    static void movingOn(Pages pages, Context ctx, String title, String message, String target) {
        pages.render(ctx, "moving-on.jte", new MovingOnView(pages.page(title, null, null), message, target));
    }

    @Override
    public void register(Pages pages) {
        pages.open(START, (ctx, viewer) -> {
            perAddress.acquire(ctx.ip());
            String tenant = ctx.queryParam("tenant");
            SingleSignOn.Start start = sso.begin(tenant, SignInPages.next(ctx.queryParam("next")));
            ctx.cookie(SignIn.cookie(
                    ctx,
                    STATE_COOKIE,
                    start.stateCookie(),
                    START,
                    (int) SingleSignOn.LOGIN_TTL.toSeconds(),
                    io.javalin.http.SameSite.LAX));
            ctx.redirect(start.authorizationUrl().toString(), io.javalin.http.HttpStatus.SEE_OTHER);
        });
        pages.open(SingleSignOn.CALLBACK, (ctx, viewer) -> callback(pages, ctx));
    }

    private void callback(Pages pages, Context ctx) {
        perAddress.acquire(ctx.ip());
        String state = ctx.cookie(STATE_COOKIE);
        ctx.removeCookie(STATE_COOKIE, START); // one use, whatever happens
        Map<String, List<String>> answer = new LinkedHashMap<>(ctx.queryParamMap());
        // A refusal is a HubException, which Pages answers with its page.
        SingleSignOn.SignedIn signedIn = sso.finish(state, answer, Origin.dashboard(ctx.ip()));
        pages.signIn().startSession(ctx, signedIn.login());
        ctx.cookie(SignIn.cookie(
                ctx,
                TENANT_COOKIE,
                signedIn.login().user().tenantId(),
                "/ui/login",
                365 * 24 * 3600,
                io.javalin.http.SameSite.LAX));
        String next = SignInPages.next(signedIn.next());
        movingOn(pages, ctx, "Signing you in", "You are signed in.", next);
    }
}
