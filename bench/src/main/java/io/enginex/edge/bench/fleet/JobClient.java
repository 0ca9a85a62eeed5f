package io.enginex.edge.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The EngineX runtime's side of a job, over the REST API: {@code POST …/sessions/{s}/jobs} with an
 * {@code Idempotency-Key}, then the long-poll {@code GET …/jobs/{id}?wait=30} until the job is
 * finished. Through a hub restart it retries both with the same key, which is what the key is for: a
 * create that reached the database before the answer was lost is answered again, never made twice.
 * Thread-safe; blocking, meant for virtual threads.
 */
public final class JobClient implements JobRunner {
    /** Job states that end a job. */
    static final Set<String> FINISHED = Set.of("succeeded", "failed", "timed_out", "cancelled");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String apiKey;
    private final String tenant;
    private final String session;
    private final HttpClient http;
    private final boolean giveUpWhenShed;

    /**
     * @param giveUpWhenShed a create answered {@code 503 overloaded} ends the job ({@code shed}) instead
     *     of being retried after {@code Retry-After}: the overload scenario counts what the hub shed
     */
    public JobClient(
            String baseUrl, SSLContext tls, String apiKey, String tenant, String session, boolean giveUpWhenShed) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.tenant = tenant;
        this.session = session;
        this.giveUpWhenShed = giveUpWhenShed;
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Why a job did not reach a result. */
    public static final class JobError extends Exception {
        private static final long serialVersionUID = 1L;

        JobError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The hub's Prometheus counters and gauges named {@code names} (their value summed over labels),
     * from {@code GET /metrics}; a name the hub does not report is left out.
     */
    public Map<String, Double> metrics(String... names) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                        .header("Authorization", "Bearer " + apiKey)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> values = new HashMap<>();
        for (String line : response.body().split("\n")) {
            for (String name : names) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    String value = line.substring(line.lastIndexOf(' ') + 1);
                    values.merge(name, Double.parseDouble(value), Double::sum);
                }
            }
        }
        return values;
    }

    /**
     * Creates a job for {@code agentId} running the no-op tool and returns its id. Retries on no
     * answer and on 5xx (503 waits its {@code Retry-After}) until {@code deadlineNanos}.
     *
     * @throws JobError on a 4xx, or when the deadline passed
     */
    public String create(String agentId, String idempotencyKey, long deadlineNanos)
            throws JobError, InterruptedException {
        String body = "{\"agentId\":\"" + agentId + "\",\"tool\":\"" + SimulatedAgent.TOOL
                + "\",\"args\":{},\"timeoutSeconds\":60}";
        while (true) {
            HttpRequest request = request("/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs", 30)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            String problem;
            long wait = 200;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 201 || r.statusCode() == 200) {
                    return JSON.readTree(r.body()).path("id").asText();
                }
                if (r.statusCode() < 500 && r.statusCode() != 429) {
                    throw new JobError("create answered " + r.statusCode() + ": " + r.body());
                }
                if (giveUpWhenShed && r.statusCode() == 503 && r.body().contains("\"overloaded\"")) {
                    throw new JobError("shed: 503 overloaded, Retry-After "
                            + r.headers().firstValue("Retry-After").orElse("(none)"));
                }
                problem = "create answered " + r.statusCode();
                wait = r.headers()
                        .firstValue("Retry-After")
                        .map(s -> TimeUnit.SECONDS.toMillis(Long.parseLong(s.strip())))
                        .orElse(wait);
            } catch (IOException e) {
                problem = "create: " + e;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait) - deadlineNanos > 0) {
                throw new JobError(problem + " (gave up at the job's deadline)");
            }
            Thread.sleep(wait);
        }
    }

    @Override
    public String run(String agentId, String idempotencyKey, long deadlineNanos) throws JobError, InterruptedException {
        return awaitFinished(create(agentId, idempotencyKey, deadlineNanos), deadlineNanos);
    }

    /**
     * Long-polls job {@code id} until it is finished and returns its final state; retries a poll that
     * got no answer until {@code deadlineNanos}.
     *
     * @throws JobError when the deadline passed first, or the hub answered an error
     */
    public String awaitFinished(String id, long deadlineNanos) throws JobError, InterruptedException {
        String problem = "not finished";
        while (System.nanoTime() - deadlineNanos < 0) {
            HttpRequest request = request("/api/v1/tenants/" + tenant + "/jobs/" + id + "?wait=30", 40)
                    .GET()
                    .build();
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode job = JSON.readTree(r.body());
                    String state = job.path("state").asText();
                    if (FINISHED.contains(state)) {
                        return state;
                    }
                    problem = "still " + state;
                    continue;
                }
                if (r.statusCode() < 500) {
                    throw new JobError("poll answered " + r.statusCode() + ": " + r.body());
                }
                problem = "poll answered " + r.statusCode();
            } catch (IOException e) {
                problem = "poll: " + e;
            }
            Thread.sleep(200);
        }
        throw new JobError(problem + " at the job's deadline");
    }

    private HttpRequest.Builder request(String path, int timeoutSeconds) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey)
                .timeout(Duration.ofSeconds(timeoutSeconds));
    }
}
