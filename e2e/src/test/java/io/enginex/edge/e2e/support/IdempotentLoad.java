package io.enginex.edge.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Job creates as a careful client makes them while faults are injected: each request is an {@code
 * fs.write} that appends its own key to {@code effect-<key>.log} under the agent's root, sent with
 * that key as its {@code Idempotency-Key}, and retried with the same key and body after a lost answer,
 * a timeout, a retryable status or {@code 409 idempotency_key_in_use}, with full-jitter backoff. At
 * the end every key must have exactly one job and every file exactly one line.
 */
public final class IdempotentLoad {
    private final HttpClient http;
    private final String url;
    private final String apiKey;
    private final Set<Integer> retryable;
    private final Instant giveUp;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();
    private final Map<String, String> jobOfKey = new ConcurrentHashMap<>();

    /**
     * @param url the session's jobs URL ({@code …/sessions/{s}/jobs})
     * @param retryable the statuses besides 409 that a fault may cause (503, and 502/504 from a proxy);
     *     any other answer fails the test
     * @param giveUp when a request not accepted yet fails the test
     */
    public IdempotentLoad(HttpClient http, String url, String apiKey, Set<Integer> retryable, Instant giveUp) {
        this.http = http;
        this.url = url;
        this.apiKey = apiKey;
        this.retryable = Set.copyOf(retryable);
        this.giveUp = giveUp;
    }

    /** One request, retried until it is accepted (201) or the deadline passes. */
    public void create(String agentId) {
        String key = UUID.randomUUID().toString();
        String body = Json.write(Map.of(
                "agentId",
                agentId,
                "tool",
                "fs.write",
                "args",
                Map.of("path", "effect-" + key + ".log", "content", key + "\n", "mode", "append"),
                "timeoutSeconds",
                300));
        for (int attempt = 0; Instant.now().isBefore(giveUp); attempt++) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(20))
                                .header("Authorization", "Bearer " + apiKey)
                                .header("Content-Type", "application/json")
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 201) {
                    jobOfKey.put(key, Json.parse(r.body()).path("id").asText());
                    accepted.incrementAndGet();
                    return;
                }
                if (r.statusCode() == 409) {
                    assertThat(Json.parse(r.body()).path("error").path("code").asText())
                            .as("the only conflict is the key's first request still running: %s", r.body())
                            .isEqualTo("idempotency_key_in_use");
                } else {
                    assertThat(r.statusCode())
                            .as("only retryable answers while faults are injected, never a 500: %s", r.body())
                            .isIn(retryable);
                }
            } catch (IOException e) {
                // the hub died or the answer was lost: retry with the same key
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            retries.incrementAndGet();
            long ceiling = Math.min(2_000, 100L << Math.min(attempt, 5));
            LockSupport.parkNanos(Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1))
                    .toNanos()); // client backoff, not test synchronisation
        }
        throw new AssertionError("request " + key + " was not accepted before the test's deadline");
    }

    /** Waits until {@code count} requests (at most {@code total}, all there will be) were accepted. */
    public void awaitAccepted(int count, int total) {
        await(count + " requests accepted")
                .atMost(Duration.ofSeconds(60))
                .until(() -> accepted.get() >= Math.min(count, total));
    }

    public int accepted() {
        return accepted.get();
    }

    /** Attempts that were not accepted and were sent again. */
    public int retries() {
        return retries.get();
    }

    /** Each accepted request's key and the id of its job. */
    public Map<String, String> jobOfKey() {
        return jobOfKey;
    }
}
