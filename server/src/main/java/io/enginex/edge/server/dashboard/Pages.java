package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.HubErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How dashboard pages are registered and answered; every page class ({@link PageGroup}) goes through
 * it, so sign-in, roles, CSRF, security headers and error pages are decided here once:
 *
 * <ul>
 *   <li>Without a valid session a page redirects (303) to {@code /ui/login?next=…}; an htmx or SSE
 *       request gets 401 with {@code HX-Redirect}.
 *   <li>A role below a route's minimum gets a 403 page; every non-GET route needs the session's CSRF
 *       token ({@link SignIn}).
 *   <li>A {@link HubException} becomes an HTML page with its status and message; anything else is
 *       logged with an incident id.
 *   <li>Objects are looked up in the viewer's tenant only, so another tenant's id is a 404.
 * </ul>
 *
 * Handlers run on the request's virtual thread and may block.
 */
public final class Pages {
    private static final Logger log = LoggerFactory.getLogger(Pages.class);

    /**
     * Every page's Content-Security-Policy, as API.md and the threat model state it: scripts, styles,
     * images and connections from the hub only, nothing inline (the pages carry no inline script,
     * style element or style attribute; {@code TenantIsolationIT.everyPageSendsTheDocumentedCspAndHasNothingInline} checks every route).
     */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /**
     * A page handler: the request and the signed-in person (never null, except for {@link #open}
     * pages when nobody is signed in).
     */
    @FunctionalInterface
    public interface Handler {
        void handle(Context ctx, Viewer viewer) throws Exception;
    }

    private final RoutesConfig routes;
    private final SignIn signIn;
    private final Templates templates;
    private final Assets assets;
    private final LiveUpdates live;
    private final List<DashboardRoute> table = new ArrayList<>();

    Pages(RoutesConfig routes, SignIn signIn, Templates templates, Assets assets, LiveUpdates live) {
        this.routes = routes;
        this.signIn = signIn;
        this.templates = templates;
        this.assets = assets;
        this.live = live;
    }

    /** {@code GET path} for signed-in people with at least {@code minimum}. */
    public void get(String path, Role minimum, Handler handler) {
        declare("GET", path, DashboardRoute.Kind.PAGE, minimum);
        routes.get(path, ctx -> guarded(ctx, minimum, handler));
    }

    /** {@code POST path} (a form or htmx action) for signed-in people with at least {@code minimum}; CSRF-checked. */
    public void post(String path, Role minimum, Handler handler) {
        declare("POST", path, DashboardRoute.Kind.ACTION, minimum);
        routes.post(path, ctx -> guarded(ctx, minimum, handler));
    }

    /** A page anyone may open; the handler decides what a signed-in person sees. No CSRF check: GET only. */
    public void open(String path, Handler handler) {
        declare("GET", path, DashboardRoute.Kind.OPEN, null);
        routes.get(path, ctx -> {
            headers(ctx);
            try {
                handler.handle(ctx, signIn.viewer(ctx));
            } catch (HubException e) {
                error(ctx, e);
            }
        });
    }

    /**
     * {@code GET path} as a server-sent event stream of one live fragment (see {@link LiveUpdates}):
     * {@code fragment} is called once per connection, checks the request (ids in the path, in the
     * viewer's tenant) and returns what renders the fragment's current HTML.
     */
    public void live(String path, Role minimum, String event, BiFunction<Context, Viewer, Supplier<String>> fragment) {
        declare("GET", path, DashboardRoute.Kind.LIVE, minimum);
        routes.get(
                path,
                ctx -> guarded(ctx, minimum, (c, viewer) -> {
                    Supplier<String> render = fragment.apply(c, viewer);
                    new SseHandler(0, client -> live.stream(client, viewer.tenantId(), event, render)).handle(c);
                }));
    }

    /**
     * {@code GET path} as a server-sent event stream of changes (see {@link LiveUpdates#streamChanges}):
     * {@code changes} is called once per connection, checks the request and returns what computes the
     * events.
     */
    public void liveChanges(String path, Role minimum, BiFunction<Context, Viewer, LiveUpdates.Changes> changes) {
        declare("GET", path, DashboardRoute.Kind.LIVE, minimum);
        routes.get(
                path,
                ctx -> guarded(ctx, minimum, (c, viewer) -> {
                    LiveUpdates.Changes source = changes.apply(c, viewer);
                    new SseHandler(0, client -> live.streamChanges(client, viewer.tenantId(), source)).handle(c);
                }));
    }

    /**
     * {@code POST path} that anyone may send (the sign-in form); the handler checks its own CSRF
     * token, as there is no session yet.
     */
    void openPost(String path, Handler handler) {
        declare("POST", path, DashboardRoute.Kind.OPEN_ACTION, null);
        routes.post(path, ctx -> {
            headers(ctx);
            try {
                handler.handle(ctx, signIn.viewer(ctx));
            } catch (HubException e) {
                error(ctx, e);
            }
        });
    }

    /** {@code GET path}: static files ({@link Assets}), no headers of a page. */
    void asset(String path, io.javalin.http.Handler handler) {
        declare("GET", path, DashboardRoute.Kind.ASSET, null);
        routes.get(path, handler);
    }

    /** Every route registered through this object, in the order of registration. */
    List<DashboardRoute> table() {
        return List.copyOf(table);
    }

    /** The assets' URLs. */
    Assets assets() {
        return assets;
    }

    private void declare(String method, String path, DashboardRoute.Kind kind, Role minimum) {
        table.add(new DashboardRoute(method, path, kind, minimum));
    }

    /** The layout's data for a page of {@code viewer} in navigation section {@code section}. */
    public Page page(String title, Viewer viewer, String section) {
        return new Page(title, viewer, section, assets, Nav.visibleTo(viewer), null);
    }

    /** Renders {@code template} with {@code model} as the response. */
    public void render(Context ctx, String template, Object model) {
        ctx.html(templates.render(template, model));
    }

    /** Renders {@code template} with {@code model} to a string (a live fragment). */
    public String fragment(String template, Object model) {
        return templates.render(template, model);
    }

    public LiveUpdates live() {
        return live;
    }

    SignIn signIn() {
        return signIn;
    }

    /** Sends the browser to {@code path} after a form (303), also when the form was posted by htmx. */
    public static void redirect(Context ctx, String path) {
        if (ctx.header("HX-Request") != null) {
            ctx.header("HX-Redirect", path);
            ctx.status(204);
        } else {
            ctx.redirect(path, io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    private void guarded(Context ctx, Role minimum, Handler handler) throws Exception {
        headers(ctx);
        try {
            Viewer viewer = signIn.viewer(ctx);
            if (viewer == null && signIn.mustChangePassword(ctx)) {
                redirect(ctx, SignInPages.CHANGE_PASSWORD); // signed in with a one-time password
                return;
            }
            if (viewer == null) {
                toSignIn(ctx);
                return;
            }
            if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
                signIn.requireCsrf(ctx, viewer);
            }
            if (!viewer.can(minimum)) {
                throw new HubException.Forbidden(
                        "forbidden",
                        "this page needs role " + minimum.wire() + " or higher and you are " + viewer.roleName()
                                + "; ask an admin of your tenant");
            }
            handler.handle(ctx, viewer);
        } catch (HubException e) {
            error(ctx, e);
        }
    }

    /** Sends a person who is not signed in to the sign-in page, coming back here afterwards. */
    void toSignIn(Context ctx) {
        // The query comes along, so a link such as the device flow's /ui/device?user_code=… survives signing in.
        String query = ctx.queryString();
        String next = ctx.method() != HandlerType.GET ? "/ui" : query == null ? ctx.path() : ctx.path() + "?" + query;
        String target = "/ui/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        boolean script = ctx.header("HX-Request") != null
                || String.valueOf(ctx.header("Accept")).contains("text/event-stream");
        if (script) {
            ctx.header("HX-Redirect", target);
            ctx.status(401).result("sign in again");
        } else {
            ctx.redirect(target, io.javalin.http.HttpStatus.SEE_OTHER);
        }
    }

    private void error(Context ctx, HubException e) {
        int status = HubErrors.answer(ctx, e);
        if (status >= 400 && status < 500 && status != 404) {
            log.atDebug()
                    .addKeyValue("code", e.code())
                    .addKeyValue("path", ctx.path())
                    .log("page refused");
        }
        render(
                ctx,
                "error.jte",
                new ErrorView(page(title(status), signIn.viewer(ctx), null), status, e.code(), e.getMessage()));
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "That did not work";
            case 401 -> "Sign in again";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Already changed";
            case 429 -> "Too many attempts";
            default -> "Error";
        };
    }

    /** The error page's model. */
    public record ErrorView(Page page, int status, String code, String message) {}

    static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
    }
}
