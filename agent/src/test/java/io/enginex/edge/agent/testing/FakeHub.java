package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Welcome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A small hub for the agent's integration tests: the register and token endpoints and the agent
 * WebSocket, speaking the real wire contract on a real socket (port 0, loopback), with knobs to
 * misbehave: refuse tokens, stay silent, close with a code, redeliver jobs after each hello.
 *
 * <p>It verifies the agent's client assertions for real (Ed25519 signature, claims, single-use jti)
 * and issues single-use access tokens, so a test that passes here exercises the agent's crypto.
 */
public final class FakeHub implements AutoCloseable {
    private final MessageCodec codec = new MessageCodec();
    private final ObjectMapper mapper = codec.mapper();
    private final Javalin app;
    private final Map<String, PublicKey> agents = new ConcurrentHashMap<>();
    private final Map<String, String> registrationTokens = new ConcurrentHashMap<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
    private final Set<String> seenJti = ConcurrentHashMap.newKeySet();
    private final List<Message> received = new CopyOnWriteArrayList<>();
    private final List<Instant> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<Dispatch> redeliverOnHello = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger hubIds = new AtomicInteger();
    private final AtomicInteger agentCounter = new AtomicInteger();
    private volatile WsContext current;
    private volatile String connectedAgent = "agt_unknown";
    private volatile long heartbeatMillis = 10_000;
    private volatile List<io.enginex.edge.protocol.TenantPolicy> tenantPolicies;
    private volatile boolean silent;
    private volatile String refuseTokensWith;
    private volatile boolean loseRotationAnswers;
    private volatile String revokedAgent;

    public FakeHub() {
        app = Javalin.create(config -> {
                    config.routes.post("/api/v1/agent/register", this::register);
                    config.routes.post("/api/v1/agent/token", this::token);
                    config.routes.post("/api/v1/agent/rotate-key", this::rotateKey);
                    config.routes.wsBeforeUpgrade("/api/v1/agent/connect", this::authorizeUpgrade);
                    config.routes.ws("/api/v1/agent/connect", ws -> {
                        ws.onConnect(ctx -> {
                            connections.incrementAndGet();
                            current = ctx;
                        });
                        ws.onMessage(ctx -> onFrame(ctx, ctx.message()));
                        ws.onClose(ctx -> {
                            if (current == ctx) {
                                current = null;
                            }
                        });
                    });
                })
                .start("127.0.0.1", 0);
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    // ---- knobs ---------------------------------------------------------------------------------

    /** Accepts {@code token} once at the register endpoint; the agent gets id {@code agt_<n>}. */
    public void issueRegistrationToken(String token) {
        registrationTokens.put(token, "unused");
    }

    /** Lets {@code agentId} with {@code publicKey} fetch access tokens (as if it had registered). */
    public void knowAgent(String agentId, PublicKey publicKey) {
        agents.put(agentId, publicKey);
    }

    /** The key this hub verifies {@code agentId}'s assertions with now (after any rotation). */
    public PublicKey keyOf(String agentId) {
        return agents.get(agentId);
    }

    /**
     * Switches keys on {@code rotate-key} and then answers 502, as a proxy does when the hub's answer
     * was lost after its commit.
     */
    public void loseRotationAnswers(boolean lose) {
        loseRotationAnswers = lose;
    }

    /** Sends these in every welcome (null: leave the field out, as a hub before tenant policies did). */
    public void tenantPolicies(List<io.enginex.edge.protocol.TenantPolicy> policies) {
        this.tenantPolicies = policies;
    }

    public void heartbeatMillis(long millis) {
        this.heartbeatMillis = millis;
    }

    /** While true the hub neither answers pings nor sends anything: a half-open connection. */
    public void silent(boolean silent) {
        this.silent = silent;
    }

    /** While set, the token endpoint answers 401 with this error code (e.g. {@code clock_skew}). */
    public void refuseTokensWith(String code) {
        this.refuseTokensWith = code;
    }

    /** Revokes the agent: token requests get {@code agent_revoked}, its socket is closed with 4001. */
    public void revoke(String agentId) {
        revokedAgent = agentId;
        WsContext ctx = current;
        if (ctx != null) {
            ctx.closeSession(4001, "agent revoked");
        }
    }

    /** Sends {@code dispatch} after every hello, like the real hub redelivering unfinished jobs. */
    public void redeliverOnHello(Dispatch dispatch) {
        redeliverOnHello.add(dispatch);
    }

    public void clearRedeliveries() {
        redeliverOnHello.clear();
    }

    // ---- acting and observing ------------------------------------------------------------------

    /** Sends {@code message} on the current connection. */
    public void send(Message message) {
        awaitConnected().send(codec.encode(message));
    }

    /** Closes the current connection with {@code code}. */
    public void close(int code, String reason) {
        awaitConnected().closeSession(code, reason);
    }

    public String nextId() {
        return "h-" + hubIds.incrementAndGet();
    }

    public Dispatch dispatch(String jobId, String tool, JsonNode args, Duration timeout) {
        return new Dispatch(nextId(), jobId, tool, args, Instant.now().plus(timeout), 1);
    }

    public int connections() {
        return connections.get();
    }

    public List<Instant> tokenRequests() {
        return List.copyOf(tokenRequests);
    }

    public List<Message> received() {
        return List.copyOf(received);
    }

    /** All received frames of {@code type} matching {@code filter}. */
    public <T extends Message> List<T> received(Class<T> type, Predicate<T> filter) {
        List<T> out = new ArrayList<>();
        for (Message m : received) {
            if (type.isInstance(m) && filter.test(type.cast(m))) {
                out.add(type.cast(m));
            }
        }
        return out;
    }

    /** Waits for the first frame of {@code type} matching {@code filter}. */
    public <T extends Message> T await(Class<T> type, Predicate<T> filter, Duration timeout) {
        return Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> received(type, filter), list -> !list.isEmpty())
                .getFirst();
    }

    public WsContext awaitConnected() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> current, c -> c != null);
    }

    @Override
    public void close() {
        app.stop();
    }

    // ---- endpoints -----------------------------------------------------------------------------

    private void register(Context ctx) throws Exception {
        JsonNode body = mapper.readTree(ctx.body());
        String token = body.path("token").asText();
        String state = registrationTokens.get(token);
        if (state == null) {
            error(ctx, 401, "token_unknown", "unknown registration token");
            return;
        }
        if (!registrationTokens.replace(token, "unused", "used")) {
            error(ctx, 401, "token_used", "this registration token was already used");
            return;
        }
        PublicKey key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(
                        Base64.getDecoder().decode(body.path("publicKey").asText())));
        String agentId = "agt_" + agentCounter.incrementAndGet();
        agents.put(agentId, key);
        ctx.status(201)
                .contentType("application/json")
                .result("{\"agentId\":\"" + agentId + "\",\"tenant\":\"acme\",\"labels\":[\"laptops\"]}");
    }

    private void token(Context ctx) throws Exception {
        tokenRequests.add(Instant.now());
        String refuse = refuseTokensWith;
        if (refuse != null) {
            error(
                    ctx,
                    401,
                    refuse,
                    refuse.equals("clock_skew")
                            ? "this machine's clock is 7 min ahead of the hub"
                            : "refused by the fake hub");
            return;
        }
        String assertion = mapper.readTree(ctx.body()).path("assertion").asText();
        String[] parts = assertion.split("\\.");
        JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
        String agentId = claims.path("sub").asText();
        if (agentId.equals(revokedAgent)) {
            error(ctx, 401, "agent_revoked", "this agent was revoked");
            return;
        }
        PublicKey key = agents.get(agentId);
        if (key == null) {
            error(ctx, 401, "agent_unknown", "unknown agent");
            return;
        }
        if (!signedBy(parts, key) || !"enginex-hub".equals(claims.path("aud").asText())) {
            error(ctx, 401, "assertion_invalid", "bad assertion");
            return;
        }
        if (!seenJti.add(claims.path("jti").asText())) {
            error(ctx, 401, "assertion_replayed", "jti seen before");
            return;
        }
        String accessToken = "exa_" + UUID.randomUUID();
        accessTokens.put(accessToken, agentId);
        ctx.status(200)
                .contentType("application/json")
                .result("{\"accessToken\":\"" + accessToken + "\",\"tokenType\":\"Bearer\",\"expiresIn\":60}");
    }

    private void rotateKey(Context ctx) throws Exception {
        JsonNode body = mapper.readTree(ctx.body());
        String agentId = verifiedAgent(body.path("assertion").asText());
        if (agentId == null) {
            error(ctx, 401, "assertion_invalid", "bad assertion");
            return;
        }
        if (agentId.equals(revokedAgent)) {
            error(ctx, 401, "agent_revoked", "this agent was revoked");
            return;
        }
        agents.put(
                agentId,
                KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                                .decode(body.path("newPublicKey").asText()))));
        if (loseRotationAnswers) {
            error(ctx, 502, "bad_gateway", "the hub's answer was lost");
            return;
        }
        ctx.contentType("application/json").result("{\"agentId\":\"" + agentId + "\",\"keyFingerprint\":\"x\"}");
    }

    /** The agent whose known key verifies {@code assertion}, or null. */
    private String verifiedAgent(String assertion) throws Exception {
        String[] parts = assertion.split("\\.");
        JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
        String agentId = claims.path("sub").asText();
        PublicKey key = agents.get(agentId);
        return key != null && signedBy(parts, key) ? agentId : null;
    }

    /** Whether the JWS split into {@code parts} carries a valid Ed25519 signature by {@code key}. */
    private static boolean signedBy(String[] parts, PublicKey key) throws Exception {
        Signature signature = Signature.getInstance("Ed25519");
        signature.initVerify(key);
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return signature.verify(Base64.getUrlDecoder().decode(parts[2]));
    }

    private void authorizeUpgrade(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
        String agentId = accessTokens.remove(token);
        if (agentId == null) {
            throw new io.javalin.http.UnauthorizedResponse("invalid access token");
        }
        connectedAgent = agentId;
    }

    private void onFrame(WsContext ctx, String text) {
        Message message = codec.decode(text);
        received.add(message);
        if (silent) {
            return;
        }
        switch (message) {
            case io.enginex.edge.protocol.Hello hello -> {
                ctx.send(codec.encode(new Welcome(
                        nextId(), "1.0", connectedAgent, "acme", heartbeatMillis, "fake-1", tenantPolicies)));
                for (Dispatch d : redeliverOnHello) {
                    ctx.send(codec.encode(
                            new Dispatch(nextId(), d.jobId(), d.tool(), d.args(), d.deadline(), d.attempt() + 1)));
                }
            }
            case Ping ping -> ctx.send(codec.encode(new Pong(nextId(), ping.id())));
            default -> {}
        }
    }

    private static void error(Context ctx, int status, String code, String message) {
        ctx.status(status)
                .contentType("application/json")
                .result("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }
}
