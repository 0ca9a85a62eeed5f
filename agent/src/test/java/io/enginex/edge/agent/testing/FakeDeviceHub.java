package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.MessageCodec;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hub that only speaks the device authorization grant and key rotation: {@code authorize} answers a fixed code,
 * and each {@code token} poll takes the next scripted answer (an RFC 8628 error code, or {@code
 * "approved"}). Records what the agent sent.
 */
public final class FakeDeviceHub implements AutoCloseable {
    public static final String DEVICE_CODE = "exd_fake-device-code";
    public static final String USER_CODE = "BCDF-GHJK";

    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> authorizations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> polls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> rotations = new CopyOnWriteArrayList<>();
    private volatile String refuseRotationWith;
    private final Javalin app;

    public FakeDeviceHub(String... pollAnswers) {
        answers.addAll(List.of(pollAnswers));
        app = Javalin.create(config -> {
                    config.routes.post("/api/v1/agent/device/authorize", this::authorize);
                    config.routes.post("/api/v1/agent/device/token", this::token);
                    config.routes.post("/api/v1/agent/rotate-key", this::rotateKey);
                })
                .start("127.0.0.1", 0);
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    public List<JsonNode> authorizations() {
        return authorizations;
    }

    public List<JsonNode> polls() {
        return polls;
    }

    /** Bodies of {@code POST /api/v1/agent/rotate-key}. */
    public List<JsonNode> rotations() {
        return rotations;
    }

    /** Answers rotations with this error code from now on (null: accept). */
    public void refuseRotationWith(String code) {
        refuseRotationWith = code;
    }

    private void rotateKey(Context ctx) throws Exception {
        rotations.add(mapper.readTree(ctx.body()));
        if (refuseRotationWith != null) {
            ctx.status(401)
                    .contentType("application/json")
                    .result("{\"error\":{\"code\":\"" + refuseRotationWith + "\",\"message\":\"scripted\"}}");
            return;
        }
        ctx.contentType("application/json").result("{\"agentId\":\"agt_device\",\"keyFingerprint\":\"SHA256:x\"}");
    }

    private void authorize(Context ctx) throws Exception {
        authorizations.add(mapper.readTree(ctx.body()));
        ctx.contentType("application/json").result("""
                {"device_code":"%s","user_code":"%s","verification_uri":"%s/device",
                 "verification_uri_complete":"%s/device?user_code=%s","expires_in":600,"interval":5}""".formatted(DEVICE_CODE, USER_CODE, url(), url(), USER_CODE));
    }

    private void token(Context ctx) throws Exception {
        polls.add(mapper.readTree(ctx.body()));
        String answer = answers.poll();
        if ("approved".equals(answer)) {
            ctx.contentType("application/json")
                    .result("{\"agentId\":\"agt_device\",\"tenant\":\"acme\",\"labels\":[\"finance\"]}");
            return;
        }
        ctx.status(400)
                .contentType("application/json")
                .result("{\"error\":{\"code\":\"" + (answer == null ? "expired_token" : answer)
                        + "\",\"message\":\"scripted\"}}");
    }

    @Override
    public void close() {
        app.stop();
    }
}
