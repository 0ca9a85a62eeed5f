package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.agent.cli.AgentCommand;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Model steps run by {@code enginex-agent graph run} (the agent's own tools, policy, vault, journals
 * and audit log) against a real HTTP server on loopback that speaks OpenAI's chat-completions format:
 * the reply and usage become the step's output; the key comes from the vault by name and is found in
 * no file the agent wrote and nowhere it printed, even when the model echoes it; an endpoint the
 * policy does not list and a key missing from the vault fail the step clearly, without a request.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ModelStepsIT {
    private static final String KEY = "sk-test-5be1c0ffee";

    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private HttpServer model;
    private Path state;
    private Path share;

    @BeforeEach
    void start() throws Exception {
        model = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        model.createContext("/v1/chat/completions", ex -> {
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            JsonNode request = mapper.readTree(ex.getRequestBody().readAllBytes());
            requests.add(request);
            String question = request.path("messages").path(1).path("content").asText();
            ObjectNode answer = mapper.createObjectNode()
                    .put("id", "chatcmpl-1")
                    .put("object", "chat.completion")
                    .put("model", request.path("model").asText());
            ObjectNode choice =
                    answer.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            // a careless server that echoes the key it was sent
            choice.putObject("message")
                    .put("role", "assistant")
                    .put("content", "42 (to: " + question + "; you sent " + auth + ")");
            answer.putObject("usage")
                    .put("prompt_tokens", 12)
                    .put("completion_tokens", 3)
                    .put("total_tokens", 15);
            byte[] body = mapper.writeValueAsBytes(answer);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        model.start();
        state = temp.resolve("state");
        share = Files.createDirectories(temp.resolve("share"));
        Files.createDirectories(state);
        new Vault(state, KeyStores.forThisMachine(state), Clock.systemUTC(), new SecureRandom(), mapper, n -> {})
                .set("llm-key", KEY, null, "file");
    }

    @AfterEach
    void stop() {
        model.stop(0);
    }

    @Test
    void theReplyAndUsageAreTheOutputAndTheKeyIsNeverWrittenOrPrinted() throws Exception {
        int code = run(
                graph("ask", "llm-key", model.getAddress().getPort()), "{\"question\":\"what is six times seven?\"}");

        assertThat(code).as(out + "" + err).isZero();
        assertThat(requests).hasSize(1);
        JsonNode sent = requests.getFirst();
        assertThat(sent.path("model").asText()).isEqualTo("tiny-1");
        assertThat(sent.path("messages").path(1).path("content").asText())
                .isEqualTo("Answer: what is six times seven?");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(20);
        assertThat(Files.readString(share.resolve("answer.txt")))
                .startsWith("42 (to: Answer: what is six times seven?; you sent Bearer [secret:llm-key])");

        out.getBuffer().setLength(0);
        assertThat(cli("graph", "runs", "--json", "--state-dir", state.toString()))
                .isZero();
        JsonNode ask = mapper.readTree(out.toString())
                .path(0)
                .path("steps")
                .path("ask")
                .path("output");
        assertThat(ask.path("usage").path("promptTokens").asInt()).isEqualTo(12);
        assertThat(ask.path("usage").path("totalTokens").asInt()).isEqualTo(15);
        assertThat(ask.path("finishReason").asText()).isEqualTo("stop");

        assertThat(out + "" + err).doesNotContain(KEY);
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                // the vault too: it holds the value sealed
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                        .as(file.toString())
                        .doesNotContain(KEY);
            }
        }
        assertThat(Files.readString(state.resolve("audit.jsonl"))).contains("model.chat", "llm-key");
    }

    @Test
    void anEndpointThePolicyDoesNotListIsRefusedWithoutARequest() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", ex -> {
            requests.add(mapper.createObjectNode());
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        other.start();
        try {
            int code = run(graph("ask", "llm-key", other.getAddress().getPort()), "{\"question\":\"q\"}");

            assertThat(code).isNotZero();
            assertThat(requests).isEmpty();
            assertThat(out.toString())
                    .contains("step ask: failed (blocked_by_policy: the model endpoint http://127.0.0.1:"
                            + other.getAddress().getPort() + "/v1 is refused")
                    .contains("\"network\" in the machine policy")
                    .contains("step save: skipped");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void aKeyTheVaultDoesNotHoldFailsTheStepNamingTheFix() throws Exception {
        int code = run(graph("ask", "absent-key", model.getAddress().getPort()), "{\"question\":\"q\"}");

        assertThat(code).isNotZero();
        assertThat(requests).isEmpty();
        assertThat(out.toString())
                .contains("step ask: failed (not_found: this machine's vault has no secret absent-key")
                .contains("enginex-agent secrets set absent-key");
    }

    private String graph(String step, String key, int port) {
        return """
                {"version":1,"name":"ask-model","steps":[
                  {"id":"%s","timeoutSeconds":20,"retry":{"maxAttempts":2,"initialDelayMillis":10},
                   "model":{"endpoint":"http://127.0.0.1:%d/v1","model":"tiny-1","key":"%s","maxTokens":20,
                     "messages":[{"role":"system","content":"Be brief."},
                                 {"role":"user","content":"Answer: ${input.question}"}]}},
                  {"id":"save","tool":"fs.write","dependsOn":["%s"],
                   "args":{"path":"answer.txt","content":"${steps.%s.output.reply}","mode":"overwrite"}}
                ]}""".formatted(step, port, key, step, step);
    }

    private int run(String graph, String input) throws Exception {
        Path policy = Files.writeString(temp.resolve("policy.json"), """
                {"roots":[{"path":"%s","mode":"write"}],"tools":["model.chat","fs.write"],
                 "network":["127.0.0.1:%d"],"secrets":{"model.chat":["llm-key","absent-key"]}}""".formatted(
                        share.toRealPath(), model.getAddress().getPort()));
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-------"));
        Path file = Files.writeString(temp.resolve("g.json"), graph);
        return cli(
                "graph",
                "run",
                file.toString(),
                "--input",
                input,
                "--machine-policy",
                policy.toString(),
                "--root",
                share.toString(),
                "--state-dir",
                state.toString());
    }

    private int cli(String... args) {
        CommandLine cli = AgentCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
