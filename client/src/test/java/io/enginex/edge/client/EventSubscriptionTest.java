package io.enginex.edge.client;

import static io.enginex.edge.client.ScriptedHub.answer;
import static io.enginex.edge.client.ScriptedHub.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A subscription against a scripted event stream: after a stream ends or a 503, it reconnects with
 * {@code Last-Event-ID} set to the position after the last event it delivered (waiting the hub's
 * {@code Retry-After} after the 503); a refusal ends it.
 */
class EventSubscriptionTest {
    private static final Map<String, String> SSE = Map.of("Content-Type", "text/event-stream");

    @Test
    void itReconnectsWithTheLastDeliveredPositionAndEndsOnARefusal() throws Exception {
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<EdgeException> ended = new CompletableFuture<>();
        try (ScriptedHub hub = new ScriptedHub(List.of(
                answer(
                        200,
                        "event: ready\nid: v1.a\ndata: {\"tenantId\":\"acme\"}\n\n: keep-alive\n\n"
                                + "event: job.created\nid: v1.b\ndata: {\"jobId\":\"job_1\",\"state\":\"queued\"}\n\n",
                        SSE),
                error(503, "database_unavailable", Map.of("Retry-After", "5")),
                answer(
                        200,
                        "event: ready\nid: v1.b\ndata: {}\n\n"
                                + "event: job.finished\nid: v1.c\ndata: {\"jobId\":\"job_1\",\"state\":\"succeeded\"}\n\n",
                        SSE),
                error(404, "tenant_not_found", Map.of())))) {
            EdgeClient edge = EdgeClient.builder(hub.url())
                    .apiKey("exk_test")
                    .sleeper(pauses::add)
                    .build();

            try (EventSubscription events = edge.subscribe("acme", null, new JobEventListener() {
                @Override
                public void onEvent(JobEvent event) {
                    seen.add(event.type() + " " + event.jobId() + " " + event.state() + " " + event.lastEventId());
                }

                @Override
                public void onEnd(EdgeException reason) {
                    ended.complete(reason);
                }
            })) {
                EdgeException reason = ended.get(20, TimeUnit.SECONDS);

                assertThat(reason)
                        .isInstanceOfSatisfying(
                                ApiException.class, e -> assertThat(e.code()).isEqualTo("tenant_not_found"));
                assertThat(seen).containsExactly("job.created job_1 queued v1.b", "job.finished job_1 succeeded v1.c");
                assertThat(hub.seen())
                        .extracting(ScriptedHub.Seen::lastEventId)
                        .containsExactly(null, "v1.b", "v1.b", "v1.c");
                assertThat(hub.seen()).allSatisfy(s -> {
                    assertThat(s.path()).isEqualTo("/api/v1/tenants/acme/events");
                    assertThat(s.authorization()).isEqualTo("Bearer exk_test");
                });
                assertThat(events.connects()).isEqualTo(2);
                assertThat(events.lastEventId()).isEqualTo("v1.c");
                assertThat(events.isActive()).isFalse();
                assertThat(pauses).hasSize(3);
                assertThat(pauses.get(1)).as("the hub's Retry-After on its 503").isEqualTo(Duration.ofSeconds(5));
            }
        }
    }
}
