package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.oauth.AuthorizationServer;
import io.enginex.edge.server.oauth.OAuthMetadata;
import io.javalin.http.Context;

/**
 * The OAuth authorization endpoint ({@value OAuthMetadata#AUTHORIZE_PATH}), where an MCP client sends
 * a person: they sign in as on any page (password, or their tenant's single sign-on), then see which
 * application asks, where the hub will send them back, and for which tenant, and allow or deny. The
 * decision moves on to the client's redirect URI by a page, not a redirect, as the pages' CSP ({@code
 * form-action 'self'}) stops a form's redirect to another site. The form posts to the same URL with
 * the same query, which is checked again. Any role may allow: the client gets what the person's role
 * may use on MCP, no more.
 */
public final class OAuthConsentPages implements PageGroup {
    private final AuthorizationServer authorization;

    OAuthConsentPages(AuthorizationServer authorization) {
        this.authorization = authorization;
    }

    /** The consent page's model; {@code action} is the form's target (this page with its query). */
    public record ConsentView(Page page, String clientName, String clientId, String redirectUri, String action) {}

    @Override
    public void register(Pages pages) {
        pages.get(OAuthMetadata.AUTHORIZE_PATH, Role.VIEWER, (ctx, viewer) -> {
            AuthorizationServer.Checked checked = authorization.check(ctx.queryParamMap());
            if (checked.refusal() != null) {
                moveOn(pages, ctx, "The application's request was not valid; sending you back to it.", checked);
                return;
            }
            AuthorizationServer.Request request = checked.request();
            pages.render(
                    ctx,
                    "oauth-consent.jte",
                    new ConsentView(
                            pages.page("Allow " + request.client().name() + "?", viewer, null),
                            request.client().name(),
                            request.client().id(),
                            request.redirectUri(),
                            OAuthMetadata.AUTHORIZE_PATH + "?" + ctx.queryString()));
        });
        pages.post(OAuthMetadata.AUTHORIZE_PATH, Role.VIEWER, (ctx, viewer) -> {
            AuthorizationServer.Checked checked = authorization.check(ctx.queryParamMap());
            if (checked.refusal() != null) {
                moveOn(pages, ctx, "The application's request was not valid; sending you back to it.", checked);
                return;
            }
            boolean allowed = "allow".equals(ctx.formParam("decision"));
            String target = allowed
                    ? authorization
                            .approve(checked.request(), viewer.caller(), Origin.dashboard(ctx.ip()))
                            .toString()
                    : authorization.deny(checked.request()).toString();
            SingleSignOnPages.movingOn(
                    pages,
                    ctx,
                    allowed ? "Allowed" : "Denied",
                    allowed
                            ? checked.request().client().name() + " may now use this hub's MCP tools as you."
                            : checked.request().client().name() + " was not allowed.",
                    target);
        });
    }

    private static void moveOn(Pages pages, Context ctx, String message, AuthorizationServer.Checked checked) {
        ctx.status(400);
        SingleSignOnPages.movingOn(
                pages, ctx, "Not valid", message, checked.refusal().toString());
    }
}
