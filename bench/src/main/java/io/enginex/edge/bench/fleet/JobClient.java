package io.enginex.edge.bench.fleet;

import io.enginex.edge.client.ApiException;
import io.enginex.edge.client.EdgeClient;
import io.enginex.edge.client.Job;
import io.enginex.edge.client.JobRequest;
import io.enginex.edge.client.RetryPolicy;
import io.enginex.edge.client.TransportException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The EngineX runtime's side of a job, over the REST API through the client SDK ({@link EdgeClient}):
 * {@code POST …/sessions/{s}/jobs} with an {@code Idempotency-Key}, then long-polls of {@code GET
 * …/jobs/{id}?wait=} until the job is finished. Through a hub restart the SDK retries both (the
 * create with the same key, which is what the key is for: a create that reached the database before
 * the answer was lost is answered again, never made twice) until the job's deadline. Thread-safe;
 * blocking, meant for virtual threads.
 */
public final class JobClient implements JobRunner {
    /** Job states that end a job. */
    static final Set<String> FINISHED = Job.FINISHED;

    private final String baseUrl;
    private final String apiKey;
    private final String tenant;
    private final String session;
    private final HttpClient http;
    private final EdgeClient edge;
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
        // Retried until the job's deadline (each call sets its budget), not a number of attempts.
        RetryPolicy retries = RetryPolicy.DEFAULT
                .withMaxAttempts(Integer.MAX_VALUE)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withMaxRetryAfter(Duration.ofSeconds(10))
                .withFinalCodes(giveUpWhenShed ? Set.of("overloaded") : Set.of());
        this.edge = EdgeClient.builder(baseUrl)
                .apiKey(apiKey)
                .httpClient(http)
                .retryPolicy(retries)
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
     * answer, 429 and 5xx (waiting the hub's {@code Retry-After}) until {@code deadlineNanos}.
     *
     * @throws JobError on a 4xx, or when the deadline passed
     */
    public String create(String agentId, String idempotencyKey, long deadlineNanos)
            throws JobError, InterruptedException {
        JobRequest request = JobRequest.of(agentId, SimulatedAgent.TOOL)
                .withTimeout(Duration.ofSeconds(60))
                .withIdempotencyKey(idempotencyKey);
        try {
            return until(deadlineNanos).createJob(tenant, session, request).id();
        } catch (ApiException e) {
            if (giveUpWhenShed && "overloaded".equals(e.code())) {
                throw new JobError("shed: 503 overloaded, Retry-After "
                        + e.retryAfter().map(d -> String.valueOf(d.toSeconds())).orElse("(none)"));
            }
            throw new JobError("create answered " + e.status() + ": " + e.getMessage()
                    + (e.status() >= 500 || e.status() == 429 ? " (gave up at the job's deadline)" : ""));
        } catch (TransportException e) {
            throw failed("create", e);
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
        Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime());
        if (left.isNegative()) {
            throw new JobError("not finished at the job's deadline");
        }
        try {
            Job job = until(deadlineNanos).awaitJob(tenant, id, left);
            if (!job.finished()) {
                throw new JobError("still " + job.state() + " at the job's deadline");
            }
            return job.state();
        } catch (ApiException e) {
            throw new JobError("poll answered " + e.status() + ": " + e.getMessage());
        } catch (TransportException e) {
            throw failed("poll", e);
        }
    }

    /** The client whose retries stop at {@code deadlineNanos}. */
    private EdgeClient until(long deadlineNanos) {
        Duration left = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        return edge.withRetryPolicy(edge.transport().policy().withGiveUpAfter(left));
    }

    private static JobError failed(String what, TransportException e) throws InterruptedException {
        if (e.interrupted()) {
            throw new InterruptedException(e.getMessage());
        }
        return new JobError(what + ": " + e.getCause() + " (gave up at the job's deadline)");
    }
}
