package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Alice's session part as a test scripts it: a {@link UserSession} registered with the service's
 * registry over a real local channel, whose far end tells {@code seen} of each call and answers it with
 * what {@code answer} returns for the action and its arguments (null: no answer; an object with a
 * {@code code}: a failure with that code, else the output). Answers run on their own threads, so a call
 * left unanswered holds up none of the others.
 */
final class ScriptedSessionPart implements AutoCloseable {
    private final SocketChannel far;
    private final ObjectMapper mapper;

    private ScriptedSessionPart(SocketChannel far, ObjectMapper mapper) {
        this.far = far;
        this.mapper = mapper;
    }

    static ScriptedSessionPart connect(
            Path socket,
            SessionRegistry registry,
            Clock clock,
            ObjectMapper mapper,
            Consumer<JsonNode> seen,
            BiFunction<String, JsonNode, JsonNode> answer)
            throws IOException {
        SocketChannel far;
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            far = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            UserSession session = new UserSession("alice", 42, Map.of(), listener.accept(), mapper, clock.instant());
            registry.register(session);
            Thread.ofVirtual().start(session::readLoop);
        }
        ScriptedSessionPart part = new ScriptedSessionPart(far, mapper);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    JsonNode call = LocalFrames.read(far, mapper);
                    seen.accept(call);
                    Thread.ofVirtual().start(() -> {
                        JsonNode output = answer.apply(call.path("action").asText(), call.path("args"));
                        if (output != null) {
                            part.reply(call, output);
                        }
                    });
                }
            } catch (IOException e) {
                // closed
            }
        });
        return part;
    }

    private void reply(JsonNode call, JsonNode output) {
        ObjectNode result = mapper.createObjectNode()
                .put("type", "result")
                .put("id", call.path("id").asText());
        if (output.has("code")) {
            result.put("ok", false).put("code", output.path("code").asText()).put("message", "no dialog");
        } else {
            result.put("ok", true).set("output", output);
        }
        synchronized (this) {
            try {
                LocalFrames.write(far, result, mapper);
            } catch (IOException e) {
                // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        far.close();
    }
}
