package io.enginex.edge.client;

import static io.enginex.edge.client.ScriptedHub.HANG_UP;
import static io.enginex.edge.client.ScriptedHub.answer;
import static io.enginex.edge.client.ScriptedHub.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries against a real local HTTP server: one key per create and the same key on every attempt,
 * which answers are retried and which are not, {@code Retry-After} (seconds and HTTP date), the
 * full-jitter backoff's bounds, and the typed errors.
 */
class TransportTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private ScriptedHub hub;

    private EdgeClient client(RetryPolicy policy, List<Consumer<HttpExchange>> answers) throws IOException {
        hub = new ScriptedHub(answers);
        return EdgeClient.builder(hub.url())
                .apiKey("exk_test")
                .retryPolicy(policy)
                .sleeper(pauses::add)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build();
    }

    private EdgeClient client(List<Consumer<HttpExchange>> answers) throws IOException {
        return client(RetryPolicy.DEFAULT, answers);
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private List<String> keys() {
        return hub.seen().stream().map(ScriptedHub.Seen::idempotencyKey).toList();
    }

    @Test
    void aCreateIsRetriedWithTheSameKeyAfterA5xxAndALostAnswer() throws IOException {
        EdgeClient edge = client(List.of(
                error(503, "database_unavailable", Map.of("Retry-After", "2")),
                HANG_UP,
                error(502, "http_502", Map.of()),
                answer(201, "{\"id\":\"ses_1\",\"name\":\"n\"}", Map.of())));

        Session session = edge.createSession("acme", "n");

        assertThat(session.id()).isEqualTo("ses_1");
        assertThat(keys()).hasSize(4).doesNotContainNull();
        assertThat(keys()).containsOnly(keys().getFirst());
        assertThat(hub.seen()).allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer exk_test"));
        assertThat(pauses).hasSize(3);
        assertThat(pauses.get(0)).as("the hub's Retry-After").isEqualTo(Duration.ofSeconds(2));
        assertThat(pauses.get(1)).as("full jitter, attempt 2").isBetween(Duration.ZERO, Duration.ofMillis(1000));
        assertThat(pauses.get(2)).as("full jitter, attempt 3").isBetween(Duration.ZERO, Duration.ofMillis(2000));
    }

    @Test
    void aCallersKeyIsSentOnEveryAttemptAndEachCreateOtherwiseHasItsOwn() throws IOException {
        EdgeClient edge = client(List.of(
                error(504, "http_504", Map.of()),
                answer(201, "{\"id\":\"job_1\",\"state\":\"queued\"}", Map.of()),
                answer(201, "{\"id\":\"job_2\",\"state\":\"queued\"}", Map.of())));

        edge.createJob("acme", "ses_1", JobRequest.of("agt_1", "fs.list").withIdempotencyKey("my-key-17"));
        edge.createJob("acme", "ses_1", JobRequest.of("agt_1", "fs.list"));
        edge.createJob("acme", "ses_1", JobRequest.of("agt_1", "fs.list"));

        assertThat(keys()).hasSize(4);
        assertThat(keys().subList(0, 2)).containsOnly("my-key-17");
        assertThat(keys().subList(2, 4)).doesNotContain("my-key-17").doesNotHaveDuplicates();
        assertThat(hub.seen().getFirst().path()).isEqualTo("/api/v1/tenants/acme/sessions/ses_1/jobs");
    }

    @Test
    void a429WaitsTheHubsRetryAfterInSecondsOrAsADateCutToTheLongestAllowed() throws IOException {
        String inThreeSeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(3).atZone(ZoneOffset.UTC));
        EdgeClient edge = client(List.of(
                error(429, "rate_limited", Map.of("Retry-After", "1")),
                error(429, "rate_limited", Map.of("Retry-After", inThreeSeconds)),
                error(429, "rate_limited", Map.of("Retry-After", "3600")),
                answer(201, "{\"id\":\"ses_1\"}", Map.of())));

        edge.createSession("acme", "n");

        assertThat(pauses)
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), RetryPolicy.DEFAULT.maxRetryAfter());
    }

    @Test
    void retriesAreBoundedAndTheLastAnswerIsThrownTyped() throws IOException {
        EdgeClient edge = client(List.of(error(503, "database_unavailable", Map.of())));

        assertThatThrownBy(() -> edge.createSession("acme", "n")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("database_unavailable");
            assertThat(e.hubMessage()).isEqualTo("the hub says database_unavailable");
            assertThat(e.path()).isEqualTo("/api/v1/tenants/acme/sessions");
        });
        assertThat(keys()).hasSize(RetryPolicy.DEFAULT.maxAttempts());
        assertThat(pauses)
                .hasSize(RetryPolicy.DEFAULT.maxAttempts() - 1)
                .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(RetryPolicy.DEFAULT.cap()));
    }

    @Test
    void aRefusalIsNotRetriedAndCarriesTheHubsCodeAndMessage() throws IOException {
        EdgeClient edge = client(List.of(error(404, "tenant_not_found", Map.of())));

        assertThatThrownBy(() -> edge.job("acme", "job_1")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("tenant_not_found");
            assertThat(e.getMessage()).contains("GET /api/v1/tenants/acme/jobs/job_1 answered 404");
        });
        assertThat(hub.seen()).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aChangeWithoutAKeyIsSentOnceEvenOnA503() throws IOException {
        EdgeClient edge = client(List.of(error(503, "overloaded", Map.of("Retry-After", "1"))));

        assertThatThrownBy(() -> edge.approve("acme", "job_1", "ok"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(hub.seen()).hasSize(1);
        assertThat(keys()).containsExactly((String) null);
        assertThat(hub.seen().getFirst().path()).isEqualTo("/api/v1/tenants/acme/jobs/job_1/approve");
    }

    @Test
    void aKeyStillInUseOnTheHubIsRetried() throws IOException {
        EdgeClient edge = client(
                List.of(error(409, "idempotency_key_in_use", Map.of()), answer(201, "{\"id\":\"ses_1\"}", Map.of())));

        assertThat(edge.createSession("acme", "n").id()).isEqualTo("ses_1");
        assertThat(keys()).hasSize(2).containsOnly(keys().getFirst());
    }

    @Test
    void aReadIsRetriedAfterA502() throws IOException {
        EdgeClient edge = client(List.of(
                error(502, "http_502", Map.of()),
                answer(
                        200,
                        "[{\"id\":\"agt_1\",\"hostname\":\"pc-7\",\"connected\":true,\"labels\":[\"a\"]}]",
                        Map.of())));

        List<Agent> agents = edge.agents("acme");

        assertThat(agents).singleElement().satisfies(a -> {
            assertThat(a.hostname()).isEqualTo("pc-7");
            assertThat(a.connected()).isTrue();
            assertThat(a.labels()).containsExactly("a");
        });
        assertThat(hub.seen()).hasSize(2);
    }

    @Test
    void aCodeTheCallerWantsAtOnceIsNotRetried() throws IOException {
        EdgeClient edge = client(
                RetryPolicy.DEFAULT.withFinalCodes(Set.of("overloaded")),
                List.of(error(503, "overloaded", Map.of("Retry-After", "1"))));

        assertThatThrownBy(() -> edge.createSession("acme", "n"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo("overloaded"));
        assertThat(hub.seen()).hasSize(1);
    }

    @Test
    void retriesStopWhenTheNextWaitWouldPassTheBudget() throws IOException {
        EdgeClient edge = client(
                RetryPolicy.DEFAULT.withMaxAttempts(100).withGiveUpAfter(Duration.ofSeconds(5)),
                List.of(error(503, "database_unavailable", Map.of("Retry-After", "2"))));

        assertThatThrownBy(() -> edge.createSession("acme", "n")).isInstanceOf(ApiException.class);
        // waits of 2 s are recorded, not slept: two fit in 5 s, the third would not
        assertThat(pauses).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void anUnreachableHubIsRetriedWithBackoffThenThrownAsATransportFailure() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        EdgeClient edge = EdgeClient.builder("http://127.0.0.1:" + free)
                .apiKey("exk_test")
                .sleeper(pauses::add)
                .build();

        assertThatThrownBy(() -> edge.createSession("acme", "n"))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(RetryPolicy.DEFAULT.maxAttempts());
                    assertThat(e).hasCauseInstanceOf(ConnectException.class);
                });
        assertThat(pauses).hasSize(RetryPolicy.DEFAULT.maxAttempts() - 1);
        for (int i = 0; i < pauses.size(); i++) {
            Duration ceiling = Duration.ofMillis(Math.min(8000, 500L << i));
            assertThat(pauses.get(i)).as("attempt %d", i + 1).isBetween(Duration.ZERO, ceiling);
        }
    }

    @Test
    void aBadIdempotencyKeyIsRefusedBeforeAnythingIsSent() throws IOException {
        EdgeClient edge = client(List.of(answer(201, "{}", Map.of())));

        assertThatThrownBy(() -> edge.createSession("acme", "n", "has space"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("printable ASCII");
        assertThat(hub.seen()).isEmpty();
    }
}
