package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.network.HttpResponseHead;
import io.enginex.edge.agent.network.NetworkException;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.agent.network.PinnedHttpClient;
import io.enginex.edge.agent.policy.SecretRules;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * {@code model.chat}: one request to an OpenAI-compatible chat-completions endpoint ({@code POST
 * ENDPOINT/chat/completions}, not streamed) that this machine can reach: a model server on the machine
 * or inside its VPN. The endpoint's host:port must be in the policy's network allowlist (checked and
 * pinned as for {@code http.request}, by {@link NetworkGuard}); redirects are not followed.
 *
 * <p>The API key is named, never given: {@code key} is the name of a vault secret that the policy's
 * {@code secrets} grant to {@code model.chat}; it is revealed just before the request, sent only as
 * {@code Authorization: Bearer …} to that endpoint, and the runner redacts it from the outcome (so a
 * server that echoes it does not put it in the journal, the audit log or the hub). The output is the
 * model's reply and the token usage the server reported.
 *
 * <p>Immutable and thread-safe.
 */
public final class ModelChatTool implements Tool {
    public static final String NAME = io.enginex.edge.common.graph.Step.MODEL_TOOL;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Chat completion from an allowed model endpoint",
            "Asks an OpenAI-compatible chat-completions endpoint that this machine's policy allows (a model"
                    + " server on the machine or in its VPN) for one reply. The API key is the name of a vault"
                    + " secret granted to model.chat, never its value. Returns the reply and the token usage.",
            Schemas.parse("""
                    {"type":"object","properties":{
                       "endpoint":{"type":"string","minLength":1,"maxLength":2048},
                       "model":{"type":"string","minLength":1,"maxLength":256},
                       "key":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"},
                       "messages":{"type":"array","minItems":1,"maxItems":200,"items":{
                         "type":"object","required":["role","content"],"additionalProperties":false,
                         "properties":{"role":{"enum":["system","user","assistant"]},
                                       "content":{"type":"string","maxLength":1000000}}}},
                       "temperature":{"type":"number","minimum":0,"maximum":2},
                       "maxTokens":{"type":"integer","minimum":1,"maximum":1000000}},
                     "required":["endpoint","model","messages"],"additionalProperties":false}
                    """),
            "high",
            Schemas.parse("""
                    {"type":"object","properties":{"reply":{"type":"string"},"model":{"type":"string"},
                     "finishReason":{"type":"string"},"usage":{"type":"object","properties":{
                       "promptTokens":{"type":"integer"},"completionTokens":{"type":"integer"},
                       "totalTokens":{"type":"integer"}}}}}
                    """),
            // It changes nothing on the machine: after a crash mid-call the step is asked again.
            new ToolAnnotations(true, false, false, true));

    private final NetworkGuard guard;
    private final PinnedHttpClient client;
    private final int maxBodyBytes;
    private final SecretRules secrets;

    /**
     * @param guard the policy's network allowlist
     * @param maxBodyBytes the largest answer read; a longer one fails the call
     * @param secrets which vault secrets {@code key} may name
     */
    public ModelChatTool(NetworkGuard guard, PinnedHttpClient client, int maxBodyBytes, SecretRules secrets) {
        this.guard = guard;
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
        this.secrets = secrets;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String endpoint = args.path("endpoint").asText();
        String url = (endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint)
                + "/chat/completions";
        try {
            NetworkGuard.Allowed allowed;
            try {
                allowed = guard.check(url);
            } catch (NetworkException e) {
                throw new ToolException(
                        e.code(),
                        "the model endpoint " + endpoint + " is refused: " + e.getMessage()
                                + (ErrorCodes.BLOCKED_BY_POLICY.equals(e.code())
                                        ? "; the machine's administrator allows it by adding its host:port to"
                                                + " \"network\" in the machine policy"
                                        : ""));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Accept", "application/json");
            if (args.hasNonNull("key")) {
                headers.put(
                        "Authorization",
                        "Bearer " + context.secrets().reveal(args.get("key").asText(), NAME, null, secrets));
            }
            try (HttpResponseHead.Response response = client.send(
                    allowed.uri(),
                    "POST",
                    headers,
                    MAPPER.writeValueAsBytes(request(args)),
                    allowed.addresses(),
                    context.timeLeft())) {
                return answer(response, endpoint);
            }
        } catch (SSLException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "TLS with the model endpoint " + endpoint + " failed: its certificate is not trusted here or"
                            + " not issued for that name (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "the model endpoint " + endpoint + " did not answer ("
                            + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, e.getMessage());
        }
    }

    /** The chat-completions request body (OpenAI's field names). */
    private static ObjectNode request(JsonNode args) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("model", args.get("model").asText());
        body.set("messages", args.get("messages").deepCopy());
        if (args.has("temperature")) {
            body.set("temperature", args.get("temperature"));
        }
        if (args.has("maxTokens")) {
            body.set("max_tokens", args.get("maxTokens"));
        }
        body.put("stream", false);
        return body;
    }

    private ObjectNode answer(HttpResponseHead.Response response, String endpoint) throws IOException {
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(maxBodyBytes);
            if (in.read() >= 0) {
                throw new ToolException(
                        ErrorCodes.TOOL_FAILED,
                        "the model endpoint " + endpoint + " answered more than " + maxBodyBytes + " bytes");
            }
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(bytes);
        } catch (IOException e) {
            body = null;
        }
        int status = response.status();
        if (status < 200 || status > 299) {
            String said = body == null
                    ? new String(bytes, 0, Math.min(bytes.length, 500), StandardCharsets.UTF_8)
                    : body.path("error").path("message").asText(body.toString());
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "the model endpoint " + endpoint + " answered HTTP " + status + ": " + said
                            + (status == 401 || status == 403
                                    ? " (check the key the step names in the machine's vault)"
                                    : ""));
        }
        JsonNode choice = body == null ? null : body.path("choices").path(0);
        if (choice == null || !choice.path("message").path("content").isTextual()) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "the model endpoint " + endpoint + " answered 200 but not in the chat-completions format (no"
                            + " choices[0].message.content)");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("reply", choice.path("message").path("content").asText());
        out.put("model", body.path("model").asText(""));
        out.put("finishReason", choice.path("finish_reason").asText(""));
        ObjectNode usage = out.putObject("usage");
        JsonNode given = body.path("usage");
        usage.put("promptTokens", given.path("prompt_tokens").asLong());
        usage.put("completionTokens", given.path("completion_tokens").asLong());
        usage.put("totalTokens", given.path("total_tokens").asLong());
        return out;
    }
}
