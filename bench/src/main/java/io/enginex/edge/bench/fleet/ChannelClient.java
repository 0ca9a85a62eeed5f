package io.enginex.edge.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;

/**
 * The EngineX runtime's side of a job over the hub's runtime channel (one WebSocket at {@code
 * /api/v1/tenants/{t}/runtime}): a {@code submit} frame per job, its {@code accepted} matched by ref,
 * its {@code finished} by job id. Thread-safe; blocking per job, meant for virtual threads.
 */
public final class ChannelClient implements JobRunner, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String session;
    private final WebSocket socket;
    private final ReentrantLock sending = new ReentrantLock();
    private final ConcurrentHashMap<String, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<String>> ends = new ConcurrentHashMap<>();

    public ChannelClient(String baseUrl, SSLContext tls, String apiKey, String tenant, String session) {
        this.session = session;
        String url = baseUrl.replaceFirst("^http", "ws") + "/api/v1/tenants/" + tenant + "/runtime";
        this.socket = HttpClient.newBuilder()
                .sslContext(tls)
                .build()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + apiKey)
                .buildAsync(URI.create(url), new Listener())
                .join();
    }

    @Override
    public String run(String agentId, String key, long deadlineNanos) throws JobClient.JobError, InterruptedException {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(key, answer);
        var frame = JSON.createObjectNode()
                .put("type", "submit")
                .put("ref", key)
                .put("idempotencyKey", key)
                .put("sessionId", session)
                .put("agentId", agentId)
                .put("tool", SimulatedAgent.TOOL)
                .put("timeoutSeconds", 60);
        frame.putObject("args");
        sending.lock();
        try {
            socket.sendText(frame.toString(), true).join();
        } finally {
            sending.unlock();
        }
        JsonNode accepted = await(answer, deadlineNanos, "no answer to the submit");
        if (!"accepted".equals(accepted.path("type").asText())) {
            throw new JobClient.JobError(
                    "refused: " + accepted.at("/error/code").asText());
        }
        String id = accepted.at("/job/id").asText();
        String state = accepted.at("/job/state").asText();
        if (JobClient.FINISHED.contains(state)) {
            ends.remove(id);
            return state;
        }
        return await(ends.computeIfAbsent(id, k -> new CompletableFuture<>()), deadlineNanos, "not finished");
    }

    private static <T> T await(CompletableFuture<T> future, long deadlineNanos, String problem)
            throws JobClient.JobError, InterruptedException {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new JobClient.JobError(problem + " at the job's deadline");
        } catch (ExecutionException e) {
            throw new JobClient.JobError("channel: " + e.getCause());
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                handle(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            answers.values().forEach(f -> f.completeExceptionally(error));
            ends.values().forEach(f -> f.completeExceptionally(error));
        }

        private void handle(String text) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (java.io.IOException e) {
                return;
            }
            switch (frame.path("type").asText()) {
                case "accepted", "refused", "error" -> {
                    CompletableFuture<JsonNode> answer =
                            answers.remove(frame.path("ref").asText());
                    if (answer != null) {
                        answer.complete(frame);
                    }
                }
                case "finished" ->
                    ends.computeIfAbsent(frame.at("/job/id").asText(), k -> new CompletableFuture<>())
                            .complete(frame.at("/job/state").asText());
                default -> {}
            }
        }
    }
}
