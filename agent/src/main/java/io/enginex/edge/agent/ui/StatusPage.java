package io.enginex.edge.agent.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.usersession.ConsentDesk;
import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page for the person at the machine, served by the running agent on 127.0.0.1 only.
 *
 * <p>Who may use it: a program holding the per-start secret of {@code ui.json} (sent as {@code
 * Authorization: Bearer}, which no web page can send here) may read the status, pause, resume, and
 * ask for a one-time login link; the browser that opens such a link gets a session cookie ({@code
 * HttpOnly}, {@code SameSite=Strict}, one hour) and a CSRF token that every form POST must carry.
 * Every request must name this server in its {@code Host} header ({@code 127.0.0.1:PORT} or {@code
 * localhost:PORT}), so a DNS-rebinding page cannot reach it under another name, and a POST with a
 * foreign {@code Origin} is refused. Routes:
 *
 * <pre>
 * GET  /                 the page (session)          GET  /login?code=…   trade a login code for a session
 * GET  /api/status       the status JSON (session or secret)
 * POST /pause, /resume   form with csrf (session), or JSON {"by":…} with the secret
 * POST /api/login-links  JSON {"user":…} with the secret → {"url":…}
 * POST /api/graph-runs   JSON {"graph":…,"by":…} with the secret → 202 {"queued":true,"graph":…}, or 404
 * POST /graph-runs       form with graph and csrf (session): the page's start button → 303 to /, or 404
 * POST /api/graph-decisions JSON {"run":…,"step":…,"approve":true|false,"reason":…,"by":…} with the secret:
 *                        200 applied, 202 queued (behind a run), 409 already_decided, 404 not_waiting,
 *                        403 not_allowed (names the policy key), 503 stopping
 * POST /consents         form with request, answer (allow|deny) and csrf (session): 303 to / when this
 *                        answer decided it; 409 already answered, 403 for another user or for a session
 *                        whose user was not verified, 404 unknown
 * POST /logout           form with csrf (session)
 * </pre>
 *
 * <p>A consent request is answered only from a <em>verified</em> session: one whose login link the
 * service made for a user the kernel named on the session channel ({@link #verifiedLoginLink}, which
 * {@code enginex-agent ui} asks for first). A link from {@code POST /api/login-links} carries a name the
 * holder of the secret chose (any member of the ui group), so it may read, pause and start graphs but
 * not answer for a person.
 *
 * <p>Threads: requests run on {@code executor}; the page reads the status through {@code facts} and
 * changes the pause through the {@link PauseSwitch}. Nothing here logs a secret, a code or a cookie.
 */
public final class StatusPage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusPage.class);
    static final String COOKIE = "enginex_ui";
    private static final int MAX_BODY = 4096;

    private final HttpServer server;
    private final String secret;
    private final Supplier<ObjectNode> facts;
    private final PauseSwitch pause;
    private final GraphStarter graphs;
    private final ConsentDesk consents;
    private final Clock clock;
    private final UiSessions sessions;
    private final ObjectMapper mapper;
    private final Set<String> hosts;
    private final Set<String> origins;

    private StatusPage(
            HttpServer server,
            String secret,
            Supplier<ObjectNode> facts,
            PauseSwitch pause,
            GraphStarter graphs,
            ConsentDesk consents,
            Clock clock,
            UiSessions sessions,
            ObjectMapper mapper) {
        this.server = server;
        this.graphs = graphs;
        this.consents = consents;
        this.clock = clock;
        this.secret = secret;
        this.facts = facts;
        this.pause = pause;
        this.sessions = sessions;
        this.mapper = mapper;
        int port = server.getAddress().getPort();
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
        this.origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port);
    }

    /**
     * Starts listening on 127.0.0.1.
     *
     * @param port 0 for any free port
     * @param secret the per-start secret written to {@code ui.json}
     * @param facts the status report (the same JSON as {@code enginex-agent status --json})
     * @throws UncheckedIOException when the port is taken
     */
    public static StatusPage start(
            int port,
            String secret,
            Supplier<ObjectNode> facts,
            PauseSwitch pause,
            Clock clock,
            SecureRandom random,
            ObjectMapper mapper,
            ExecutorService executor) {
        return start(port, secret, facts, pause, GraphStarter.NONE, clock, random, mapper, executor);
    }

    /** As above, with {@code graphs} starting the hub's graphs on request ({@code POST /api/graph-runs}). */
    public static StatusPage start(
            int port,
            String secret,
            Supplier<ObjectNode> facts,
            PauseSwitch pause,
            GraphStarter graphs,
            Clock clock,
            SecureRandom random,
            ObjectMapper mapper,
            ExecutorService executor) {
        return start(
                port,
                secret,
                facts,
                pause,
                graphs,
                new ConsentDesk(clock, ConsentDesk.Listener.NONE),
                clock,
                random,
                mapper,
                executor);
    }

    /** As above, with the consent requests of {@code consents} shown and answerable on the page. */
    public static StatusPage start(
            int port,
            String secret,
            Supplier<ObjectNode> facts,
            PauseSwitch pause,
            GraphStarter graphs,
            ConsentDesk consents,
            Clock clock,
            SecureRandom random,
            ObjectMapper mapper,
            ExecutorService executor) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot open the status page on 127.0.0.1:" + port + " (" + e.getMessage()
                            + "); choose another --ui-port, or 0 for any free port",
                    e);
        }
        StatusPage page = new StatusPage(
                server, secret, facts, pause, graphs, consents, clock, new UiSessions(clock, random), mapper);
        server.createContext("/", page::handle);
        server.setExecutor(executor);
        server.start();
        return page;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /**
     * A one-time login link for {@code user} whose session is verified: only for a user the caller
     * proved (the session channel's peer credentials), never for a name someone typed.
     */
    public String verifiedLoginLink(String user) {
        return url() + "login?code=" + sessions.newCode(user, true);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            securityHeaders(exchange);
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (host == null || !hosts.contains(host.toLowerCase(java.util.Locale.ROOT))) {
                text(
                        exchange,
                        403,
                        "This page answers only to http://127.0.0.1:" + port()
                                + "/ (a request for another host name was refused). Open it with: enginex-agent ui");
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            switch (method + " " + path) {
                case "GET /" -> page(exchange);
                case "GET /login" -> login(exchange);
                case "GET /api/status" -> status(exchange);
                case "POST /pause" -> change(exchange, true);
                case "POST /resume" -> change(exchange, false);
                case "POST /api/login-links" -> loginLink(exchange);
                case "POST /api/graph-runs" -> startGraph(exchange);
                case "POST /graph-runs" -> startGraphByButton(exchange);
                case "POST /api/graph-decisions" -> decideGraphStep(exchange);
                case "POST /consents" -> answerConsent(exchange);
                case "POST /logout" -> logout(exchange);
                default -> text(exchange, 404, "no such page: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("the status page failed to answer a request");
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        Optional<UiSessions.Session> session = session(exchange);
        if (session.isEmpty()) {
            html(exchange, 401, StatusPageHtml.signedOut());
            return;
        }
        html(
                exchange,
                200,
                StatusPageHtml.render(
                        facts.get(),
                        session.get().user(),
                        session.get().verified(),
                        session.get().csrf(),
                        graphs.startable(),
                        consents.pending(),
                        clock.instant()));
    }

    private void login(HttpExchange exchange) throws IOException {
        String code = query(exchange).get("code");
        Optional<UiSessions.Session> session = sessions.redeem(code);
        if (session.isEmpty()) {
            html(exchange, 401, StatusPageHtml.linkExpired());
            return;
        }
        exchange.getResponseHeaders()
                .add(
                        "Set-Cookie",
                        COOKIE + "=" + session.get().id() + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                                + UiSessions.SESSION_TTL.toSeconds());
        // Off the login URL at once, so the used code is not what stays in the address bar.
        exchange.getResponseHeaders().add("Location", "/");
        exchange.sendResponseHeaders(303, -1);
    }

    private void status(HttpExchange exchange) throws IOException {
        if (!bearer(exchange) && session(exchange).isEmpty()) {
            unauthorized(exchange);
            return;
        }
        json(exchange, 200, facts.get());
    }

    private void change(HttpExchange exchange, boolean paused) throws IOException {
        String by;
        String via;
        boolean form;
        if (bearer(exchange)) {
            JsonNode body = jsonBody(exchange);
            by = body.path("by").asText("");
            via = "cli";
            form = false;
            if (by.isBlank()) {
                json(exchange, 400, error("bad_request", "say who asks: {\"by\":\"<account name>\"}"));
                return;
            }
        } else {
            Optional<UiSessions.Session> session = formSession(exchange);
            if (session.isEmpty()) {
                return;
            }
            by = session.get().user();
            via = "status page";
            form = true;
        }
        Pause now;
        if (paused) {
            now = pause.pause(by, via);
        } else {
            pause.resume(by, via);
            now = null;
        }
        if (form) {
            exchange.getResponseHeaders().add("Location", "/");
            exchange.sendResponseHeaders(303, -1);
        } else {
            ObjectNode answer = mapper.createObjectNode().put("paused", now != null);
            if (now != null) {
                answer.put("by", now.by()).put("since", now.since().toString());
            }
            json(exchange, 200, answer);
        }
    }

    private void startGraph(HttpExchange exchange) throws IOException {
        if (!bearer(exchange)) {
            unauthorized(exchange);
            return;
        }
        JsonNode body = jsonBody(exchange);
        String graph = body.path("graph").asText("");
        String by = body.path("by").asText("");
        if (graph.isBlank() || by.isBlank()) {
            json(
                    exchange,
                    400,
                    error("bad_request", "say which graph and who asks: {\"graph\":\"NAME\",\"by\":\"<account>\"}"));
            return;
        }
        Optional<String> refused = graphs.start(graph, by, "cli");
        if (refused.isPresent()) {
            json(exchange, 404, error("graph_not_found", refused.get()));
            return;
        }
        json(exchange, 202, mapper.createObjectNode().put("queued", true).put("graph", graph));
    }

    /** {@code graph decide} while the agent runs: the first decision on a step, hub or local, wins. */
    private void decideGraphStep(HttpExchange exchange) throws IOException {
        if (!bearer(exchange)) {
            unauthorized(exchange);
            return;
        }
        JsonNode body = jsonBody(exchange);
        String run = body.path("run").asText("");
        String step = body.path("step").asText("");
        String by = body.path("by").asText("");
        String reason = body.path("reason").asText("");
        JsonNode approve = body.path("approve");
        if (run.isBlank()
                || step.isBlank()
                || by.isBlank()
                || !approve.isBoolean()
                || (!approve.asBoolean() && reason.isBlank())) {
            json(
                    exchange,
                    400,
                    error(
                            "bad_request",
                            "say which run and step, who decides and how: {\"run\":\"run_…\",\"step\":\"pay\","
                                    + "\"approve\":true|false,\"reason\":\"…\" (required to deny),\"by\":\"<account>\"}"));
            return;
        }
        GraphStarter.Decided decided =
                graphs.decide(run, step, approve.asBoolean(), reason.isBlank() ? null : reason, by, "cli");
        int status = switch (decided.outcome()) {
            case "applied" -> 200;
            case "queued" -> 202;
            case "already_decided" -> 409;
            case GraphStarter.Decided.NOT_ALLOWED -> 403;
            case "stopping" -> 503;
            default -> 404;
        };
        if (status >= 400) {
            json(exchange, status, error(decided.outcome(), decided.message()));
            return;
        }
        json(
                exchange,
                status,
                mapper.createObjectNode().put("outcome", decided.outcome()).put("message", decided.message()));
    }

    /** The page's start button: the signed-in person starts an assigned graph, as {@code graph start NAME}. */
    private void startGraphByButton(HttpExchange exchange) throws IOException {
        Optional<Form> form = form(exchange);
        if (form.isEmpty()) {
            return;
        }
        String graph = form.get().fields().getOrDefault("graph", "");
        Optional<String> refused = graph.isBlank()
                ? Optional.of("say which graph to start")
                : graphs.start(graph, form.get().session().user(), "status page");
        if (refused.isPresent()) {
            text(exchange, 404, "Not started: " + refused.get() + ". Back to the page: " + url());
            return;
        }
        exchange.getResponseHeaders().add("Location", "/");
        exchange.sendResponseHeaders(303, -1);
    }

    /**
     * The page's Allow / Deny: only the user the request is for may answer (the name the page's login
     * link was made for); the first answer, here or in the dialog, wins.
     */
    private void answerConsent(HttpExchange exchange) throws IOException {
        Optional<Form> form = form(exchange);
        if (form.isEmpty()) {
            return;
        }
        String id = form.get().fields().getOrDefault("request", "");
        String answer = form.get().fields().getOrDefault("answer", "");
        if (!answer.equals("allow") && !answer.equals("deny")) {
            text(exchange, 400, "say allow or deny (the form's answer field). Back to the page: " + url());
            return;
        }
        String by = form.get().session().user();
        Optional<ConsentDesk.Request> asked =
                consents.pending().stream().filter(r -> r.id().equals(id)).findFirst();
        if (asked.isPresent() && !asked.get().user().equals(by)) {
            wrongUser(exchange, asked.get(), by);
            return;
        }
        if (!form.get().session().verified()) {
            text(
                    exchange,
                    403,
                    "Refused: this page was opened with a link that names " + by + " without proving it (anyone who"
                            + " can read the agent's ui.json can ask for such a link), so it cannot answer for a"
                            + " person. Run enginex-agent ui in your own desktop session: it asks the agent over the"
                            + " session channel, which proves who you are. Or answer in the dialog.");
            return;
        }
        ConsentDesk.Reply reply = consents.answer(id, by, answer.equals("allow"), "status page");
        switch (reply.verdict()) {
            case ANSWERED -> {
                exchange.getResponseHeaders().add("Location", "/");
                exchange.sendResponseHeaders(303, -1);
            }
            case ALREADY_ANSWERED ->
                text(exchange, 409, "Already answered: " + reply.answer().describe() + ". Back to the page: " + url());
            case WRONG_USER -> wrongUser(exchange, reply.request(), by);
            case NOT_FOUND ->
                text(exchange, 404, "No such consent request (it may have expired). Back to the page: " + url());
        }
    }

    private static void wrongUser(HttpExchange exchange, ConsentDesk.Request request, String by) throws IOException {
        text(
                exchange,
                403,
                "Refused: this request is for " + request.user() + ", and you are signed in as " + by + "; only "
                        + request.user() + " may answer it.");
    }

    private void loginLink(HttpExchange exchange) throws IOException {
        if (!bearer(exchange)) {
            unauthorized(exchange);
            return;
        }
        String user = jsonBody(exchange).path("user").asText("");
        if (user.isBlank()) {
            json(exchange, 400, error("bad_request", "say who the link is for: {\"user\":\"<account name>\"}"));
            return;
        }
        String code = sessions.newCode(user.length() > 200 ? user.substring(0, 200) : user);
        json(
                exchange,
                200,
                mapper.createObjectNode()
                        .put("url", url() + "login?code=" + code)
                        .put("expiresInSeconds", UiSessions.CODE_TTL.toSeconds()));
    }

    private void logout(HttpExchange exchange) throws IOException {
        Optional<UiSessions.Session> session = formSession(exchange);
        if (session.isEmpty()) {
            return;
        }
        sessions.end(session.get().id());
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        exchange.getResponseHeaders().add("Location", "/");
        exchange.sendResponseHeaders(303, -1);
    }

    /** The session of a form POST that passed the origin and CSRF checks; else answers and returns empty. */
    private Optional<UiSessions.Session> formSession(HttpExchange exchange) throws IOException {
        return form(exchange).map(Form::session);
    }

    /** A form POST that passed the origin and CSRF checks, with its fields. */
    private record Form(UiSessions.Session session, Map<String, String> fields) {}

    /** The form POST, if it passed the origin and CSRF checks; else answers and returns empty. */
    private Optional<Form> form(HttpExchange exchange) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null && !origins.contains(origin)) {
            text(exchange, 403, "refused: this form was sent from another site (" + origin + ")");
            return Optional.empty();
        }
        Optional<UiSessions.Session> session = session(exchange);
        if (session.isEmpty()) {
            unauthorized(exchange);
            return Optional.empty();
        }
        Map<String, String> form = parse(new String(body(exchange), StandardCharsets.UTF_8));
        if (!UiSessions.same(session.get().csrf(), form.get("csrf"))) {
            text(exchange, 403, "refused: the form's CSRF token is missing or wrong; reload the page and try again");
            return Optional.empty();
        }
        return Optional.of(new Form(session.get(), form));
    }

    private boolean bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && UiSessions.same(secret, header.substring(7));
    }

    private Optional<UiSessions.Session> session(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String cookie = part.strip();
                if (cookie.startsWith(COOKIE + "=")) {
                    Optional<UiSessions.Session> found = sessions.find(cookie.substring(COOKIE.length() + 1));
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private void unauthorized(HttpExchange exchange) throws IOException {
        json(
                exchange,
                401,
                error(
                        "unauthorized",
                        "sign in first: run enginex-agent ui (it opens a one-time login link), or send the secret from"
                                + " ui.json"));
    }

    private ObjectNode error(String code, String message) {
        ObjectNode node = mapper.createObjectNode();
        node.putObject("error").put("code", code).put("message", message);
        return node;
    }

    private JsonNode jsonBody(HttpExchange exchange) throws IOException {
        byte[] body = body(exchange);
        try {
            return body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readNBytes(MAX_BODY);
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        return raw == null ? Map.of() : parse(raw);
    }

    private static Map<String, String> parse(String urlEncoded) {
        Map<String, String> values = new HashMap<>();
        for (String pair : urlEncoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.putIfAbsent(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void securityHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.add(
                "Content-Security-Policy",
                "default-src 'none'; style-src " + StatusPageHtml.STYLE_HASH
                        + "; form-action 'self'; frame-ancestors 'none';" + " base-uri 'none'");
        headers.add("X-Frame-Options", "DENY");
        headers.add("X-Content-Type-Options", "nosniff");
        headers.add("Referrer-Policy", "no-referrer");
        headers.add("Cache-Control", "no-store");
    }

    private void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", mapper.writeValueAsBytes(body));
    }

    private static void html(HttpExchange exchange, int status, String page) throws IOException {
        send(exchange, status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
