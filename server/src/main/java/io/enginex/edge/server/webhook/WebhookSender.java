package io.enginex.edge.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.events.EventCursor;
import io.enginex.edge.server.events.EventWakeups;
import io.enginex.edge.server.events.JobEvent;
import io.enginex.edge.server.events.JobEvents;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.WebhookDelivery;
import io.enginex.edge.server.store.WebhookEndpoint;
import io.enginex.edge.server.store.WebhookStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhooks, on the node that leads the cluster only (so each delivery is sent by one node): on
 * its own thread, every {@link #POLL} and whenever a tenant may have new events, it turns the job
 * events after each endpoint's cursor into delivery rows (moving the cursor in the same transaction),
 * then sends the deliveries that are due, each on a virtual thread, and records the outcome. A 2xx
 * answer is success; another status, a timeout ({@link #TIMEOUT}) or a connection error is retried
 * after {@link #backoff}, up to {@link #MAX_ATTEMPTS} attempts, then the delivery has failed. All of it
 * lives in the database, so a restart (or another node taking the lead) goes on where it stopped; a
 * delivery in flight when its node stopped is sent again (at least once: receivers drop a repeated
 * {@code webhook-id}). Redirects are not followed.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    /** The longest an event waits before the sender looks (a wake-up usually comes first). */
    public static final Duration POLL = Duration.ofSeconds(1);

    /** Attempts before a delivery counts as failed. */
    public static final int MAX_ATTEMPTS = 12;

    /** The longest wait between attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofHours(1);

    /** How long an endpoint has to answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Deliveries sent per round at most. */
    static final int BATCH = 50;

    /** Events read per endpoint and round at most (per node's chain). */
    static final int EVENTS = 500;

    private final WebhookStore store;
    private final JobEvents events;
    private final Webhooks webhooks;
    private final WebhookTargets targets;
    private final EventWakeups wakeups;
    private final BooleanSupplier leads;
    private final HttpClient http;
    private final IdGenerator ids;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration retryBase;
    private final Random random;
    private final RepeatedLog repeats;
    private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;
    private Thread thread;

    /** What the sender reads, writes and sends with. */
    public record Parts(
            WebhookStore store,
            JobEvents events,
            Webhooks webhooks,
            WebhookTargets targets,
            EventWakeups wakeups,
            IdGenerator ids,
            ObjectMapper mapper) {}

    /**
     * @param leads whether this node sends now (the cluster's leader)
     * @param retryBase the wait after a first failed attempt; each further one doubles it
     */
    public WebhookSender(Parts parts, BooleanSupplier leads, Clock clock, Duration retryBase, Random random) {
        this.store = parts.store();
        this.events = parts.events();
        this.webhooks = parts.webhooks();
        this.targets = parts.targets();
        this.wakeups = parts.wakeups();
        this.ids = parts.ids();
        this.mapper = parts.mapper();
        this.leads = leads;
        this.clock = clock;
        this.retryBase = retryBase;
        this.random = random;
        this.repeats = new RepeatedLog(clock, Duration.ofSeconds(60));
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT)
                .build();
    }

    /** Starts the sender's thread. Once. */
    public void start() {
        thread = Thread.ofPlatform().name("webhook-sender").daemon().start(this::loop);
    }

    /** The shortest time between rounds: under load every job wakes the sender, and a round reads the database. */
    static final Duration MIN_GAP = Duration.ofMillis(100);

    private void loop() {
        while (!closed) {
            long started = System.nanoTime();
            long seen = wakeups.generation(null);
            if (leads.getAsBoolean()) {
                try {
                    round();
                } catch (RuntimeException e) {
                    repeats.admit(e.getClass().getName())
                            .ifPresent(silenced -> log.atWarn()
                                    .setCause(e)
                                    .log(repeats.describe("sending webhooks failed; trying again", silenced)));
                }
            }
            if (!wakeups.await(null, seen, POLL)) {
                return;
            }
            long early = MIN_GAP.toNanos() - (System.nanoTime() - started);
            if (early > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(early); // pacing, not synchronisation
            }
        }
    }

    /** One round: new events into deliveries, then the deliveries that are due. Package-private for tests. */
    void round() {
        Map<String, WebhookEndpoint> endpoints = new HashMap<>();
        for (WebhookEndpoint endpoint : store.active()) {
            endpoints.put(endpoint.id(), endpoint);
            try {
                collect(endpoint);
            } catch (RuntimeException e) { // one endpoint's trouble must not hold up the others'
                repeats.admit("collect " + endpoint.id())
                        .ifPresent(silenced -> log.atWarn()
                                .addKeyValue("endpointId", endpoint.id())
                                .addKeyValue("reason", e.toString())
                                .log(repeats.describe(
                                        "cannot read a webhook endpoint's new events; trying again", silenced)));
            }
        }
        if (endpoints.isEmpty()) {
            return; // no endpoint, so nothing is due
        }
        List<Future<?>> inFlight = new ArrayList<>();
        for (WebhookDelivery delivery : store.due(clock.instant(), BATCH)) {
            WebhookEndpoint endpoint = endpoints.get(delivery.endpointId());
            if (endpoint != null) {
                inFlight.add(sends.submit(() -> send(endpoint, delivery)));
            }
        }
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                log.atWarn().setCause(e.getCause()).log("a webhook delivery failed unexpectedly");
            }
        }
    }

    private void collect(WebhookEndpoint endpoint) {
        EventCursor from = EventCursor.decode(endpoint.cursor());
        JobEvents.Page page = events.read(endpoint.tenantId(), from, null, EVENTS);
        if (page.cursor().seqs().equals(from.seqs())) {
            return; // nothing new in the tenant's trail
        }
        Instant now = clock.instant();
        List<WebhookDelivery> fresh = new ArrayList<>();
        for (JobEvent e : page.events()) {
            if (endpoint.wants(e.type())) {
                fresh.add(WebhookDelivery.pending(
                        ids.next("msg"), endpoint.tenantId(), endpoint.id(), e.id(), e.type(), body(e), now));
            }
        }
        store.advance(endpoint, page.cursor().encode(), fresh);
    }

    /** The request body: {@code {"type", "timestamp", "data"}} (the Standard Webhooks shape). */
    private String body(JobEvent e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", e.type());
        body.put("timestamp", e.at().toString());
        body.put("data", JobEvents.payload(e));
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write a webhook body", ex);
        }
    }

    private void send(WebhookEndpoint endpoint, WebhookDelivery delivery) {
        Instant at = clock.instant();
        Integer status = null;
        String error;
        try {
            URI uri = URI.create(endpoint.url());
            targets.refusePrivate(uri); // again: the name may resolve elsewhere now
            String secret = webhooks.secretOf(endpoint)
                    .orElseThrow(() -> new IllegalStateException("the endpoint's secret does not open with this"
                            + " hub's secret (hub.secret differs from the node that registered it)"));
            long timestamp = at.getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "EngineX-Edge-Webhooks")
                    .header("webhook-id", delivery.id())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header(
                            "webhook-signature",
                            WebhookSignature.sign(secret, delivery.id(), timestamp, delivery.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            error = status / 100 == 2 ? null : "the endpoint answered HTTP " + status;
        } catch (HubException | IllegalStateException | IllegalArgumentException | IOException e) {
            error = describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // stopping: the delivery stays due and is sent again
        }
        store.attempted(outcome(delivery, at, status, error));
    }

    /** The delivery after an attempt: succeeded, due again after {@link #backoff}, or failed for good. */
    WebhookDelivery outcome(WebhookDelivery delivery, Instant at, Integer status, String error) {
        if (error == null) {
            return delivery.attempted(WebhookDelivery.SUCCEEDED, at, null, status, null);
        }
        int attempts = delivery.attempts() + 1;
        log.atInfo()
                .addKeyValue("deliveryId", delivery.id())
                .addKeyValue("endpointId", delivery.endpointId())
                .addKeyValue("attempt", attempts)
                .addKeyValue("reason", error)
                .log("webhook delivery attempt failed");
        if (attempts >= MAX_ATTEMPTS) {
            return delivery.attempted(WebhookDelivery.FAILED, at, null, status, truncate(error));
        }
        return delivery.attempted(WebhookDelivery.PENDING, at, at.plus(backoff(attempts)), status, truncate(error));
    }

    /**
     * The wait after the {@code attempts}th failed attempt: exponential ({@code retryBase·2^(n-1)},
     * at most {@link #MAX_BACKOFF}) with jitter (a random half of it added to the other half), so
     * endpoints that fail together are not retried in step.
     */
    Duration backoff(int attempts) {
        long base = retryBase.toMillis();
        long exp = base << Math.min(30, attempts - 1);
        long capped = Math.min(MAX_BACKOFF.toMillis(), exp < 0 ? Long.MAX_VALUE : exp);
        long half = capped / 2;
        return Duration.ofMillis(half + (half > 0 ? (long) (random.nextDouble() * half) : 0));
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "the endpoint did not answer within " + TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof java.net.ConnectException) {
            return "cannot connect to the endpoint" + (message == null ? "" : ": " + message);
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static String truncate(String s) {
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sends.shutdownNow();
    }
}
