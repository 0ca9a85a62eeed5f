package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.connection.Channel;
import io.enginex.edge.server.http.ApiViews.JobView;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.IdempotentRequest;
import io.enginex.edge.server.job.JobRequest;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime's persistent channel: a WebSocket on which it submits many jobs and gets each one's
 * answer ({@code accepted} or {@code refused}) and, once the job ends, its {@code finished} frame
 * pushed, instead of a create request and a long-poll per job. See "Runtime channel" in {@code
 * docs/API.md}.
 *
 * <p>Each submit is handled on a virtual thread of its own, so a submit waiting for its commit does
 * not hold up the next one, and answers come in the order jobs are accepted, not submitted (the
 * client matches them by its {@code ref}). At most {@link #MAX_IN_FLIGHT} jobs per channel are
 * submitted and not finished; more are refused {@code too_many_in_flight}. Sends are serialised by one
 * lock and wait at most {@link #SEND_TIMEOUT} for a client that does not read: the channel is then
 * dropped, and the client resubmits with the same keys to get its answers again.
 */
final class RuntimeChannel {
    /** Jobs a channel may have submitted and not yet finished. */
    static final int MAX_IN_FLIGHT = 10_000;

    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(RuntimeChannel.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** What a channel works with, made once per hub. */
    record Services(Jobs jobs, IdempotentCreates creates, ObjectMapper mapper) {}

    private final Services services;
    private final Caller caller;
    private final String tenant;
    private final Channel socket;
    private final ReentrantLock sending = new ReentrantLock();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean open = true;

    RuntimeChannel(Services services, Caller caller, String tenant, Channel socket) {
        this.services = services;
        this.caller = caller;
        this.tenant = tenant;
        this.socket = socket;
    }

    /** A frame from the client; returns at once (the work runs on a virtual thread). */
    void onText(String text) {
        JsonNode frame;
        try {
            frame = services.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            send(error(null, "bad_frame", "the frame is not JSON: " + e.getOriginalMessage()));
            return;
        }
        String ref = frame.path("ref").isTextual() ? frame.path("ref").asText() : null;
        if (!frame.isObject() || !"submit".equals(frame.path("type").asText())) {
            send(error(ref, "bad_frame", "the only frame a runtime sends is {\"type\":\"submit\",…}; see docs/API.md"));
            return;
        }
        if (ref == null || ref.isEmpty() || ref.length() > 200) {
            send(error(null, "bad_frame", "a submit needs a \"ref\" (1 to 200 characters) to match its answer"));
            return;
        }
        Thread.ofVirtual().name("runtime-submit").start(() -> submit(ref, (ObjectNode) frame));
    }

    /** The socket closed: jobs still running are no longer pushed. */
    void closed() {
        open = false;
    }

    private void submit(String ref, ObjectNode frame) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            send(refused(
                    ref,
                    new HubException.Overloaded(
                            "this channel has " + MAX_IN_FLIGHT
                                    + " jobs submitted and not finished; wait for some to finish,"
                                    + " or open another channel",
                            1)));
            return;
        }
        String accepted = null;
        try {
            accepted = create(ref, frame);
        } catch (HubException e) {
            send(refused(ref, e));
        } catch (RuntimeException e) {
            send(unexpected(ref, e));
        } finally {
            if (accepted == null) {
                inFlight.decrementAndGet();
            }
        }
        if (accepted != null) {
            pushWhenFinished(accepted);
        }
    }

    /** @return the id of the job accepted (made now, or by an earlier submit with the same key) */
    private String create(String ref, ObjectNode frame) {
        String session = text(frame, "sessionId");
        var request = new JobRequest(
                text(frame, "agentId"),
                text(frame, "tool"),
                frame.get("args"),
                Duration.ofSeconds(frame.path("timeoutSeconds").asLong(JobRequest.DEFAULT_TIMEOUT.toSeconds())));
        String key = frame.path("idempotencyKey").isTextual()
                ? frame.path("idempotencyKey").asText()
                : null;
        var creation = services.jobs()
                .newJob(caller, tenant, session, request, job -> Answer.of(201, job.id(), json(view(job))));
        // The fingerprint is the submit without its ref, fields in any order: a retry on a new channel
        // repeats the rest, perhaps serialised by another library.
        ObjectNode fingerprint = frame.deepCopy();
        fingerprint.remove("ref");
        var idempotent = new IdempotentRequest(
                tenant,
                caller.actorId(),
                key,
                "SUBMIT",
                "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                canonical(fingerprint).getBytes(StandardCharsets.UTF_8));
        Answer answer = services.creates().create(idempotent, creation);
        ObjectNode accepted =
                services.mapper().createObjectNode().put("type", "accepted").put("ref", ref);
        accepted.put("replayed", answer.replayed());
        try {
            accepted.set("job", services.mapper().readTree(answer.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored answer is not JSON", e);
        }
        send(accepted);
        return answer.resourceId();
    }

    private void pushWhenFinished(String jobId) {
        try {
            Job job = services.jobs().await(caller, tenant, jobId, WAIT);
            while (open && !job.state().terminal()) {
                job = services.jobs().await(caller, tenant, jobId, WAIT);
            }
            if (open) {
                ObjectNode finished = services.mapper().createObjectNode().put("type", "finished");
                finished.set("job", services.mapper().valueToTree(view(job)));
                send(finished);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("jobId", jobId)
                    .addKeyValue("reason", e.toString())
                    .log("cannot follow a runtime channel's job; the runtime can read it with GET …/jobs/{id}");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private JobView view(Job job) {
        return JobView.of(job, services.mapper());
    }

    private ObjectNode refused(String ref, HubException e) {
        ObjectNode out = error(ref, e.code(), e.getMessage()).put("type", "refused");
        out.put("status", e.httpStatus());
        if (e instanceof HubException.Overloaded o) {
            out.put("retryAfterSeconds", o.retryAfterSeconds());
        }
        return out;
    }

    /** A failure that is no refusal: the database, or a bug. Either way the client may retry. */
    private ObjectNode unexpected(String ref, RuntimeException e) {
        ObjectNode out;
        if (DatabaseFailures.isUnavailable(e)) {
            out = error(
                            ref,
                            "database_unavailable",
                            "the hub's database is unavailable; nothing was created."
                                    + " Submit again with the same idempotencyKey")
                    .put("status", 503)
                    .put("retryAfterSeconds", 5);
        } else {
            log.atError().setCause(e).log("runtime channel: a submit failed");
            out = error(
                            ref,
                            "internal_error",
                            "the hub failed on this submit. Submit again with the same"
                                    + " idempotencyKey (it is never run twice); the hub's log has the cause")
                    .put("status", 500);
        }
        return out.put("type", "refused");
    }

    private ObjectNode error(String ref, String code, String message) {
        ObjectNode out = services.mapper().createObjectNode().put("type", "error");
        if (ref != null) {
            out.put("ref", ref);
        }
        out.putObject("error").put("code", code).put("message", message);
        return out;
    }

    private static String text(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new HubException.BadRequest("a submit needs \"" + field + "\" as a string");
        }
        return value.asText();
    }

    /** The JSON text of {@code node} with the fields of every object sorted by name. */
    private String canonical(JsonNode node) {
        try {
            return services.mapper()
                    .writer()
                    .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(services.mapper().treeToValue(node, java.util.Map.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private String json(Object value) {
        try {
            return services.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private void send(ObjectNode frame) {
        if (!open) {
            return;
        }
        String text = json(frame);
        sending.lock();
        try {
            socket.sendText(text, SEND_TIMEOUT);
        } catch (IOException e) {
            open = false;
            log.atInfo()
                    .addKeyValue("tenant", tenant)
                    .addKeyValue("reason", e.getMessage())
                    .log("runtime channel dropped: the client does not read its answers");
            socket.abort();
        } finally {
            sending.unlock();
        }
    }
}
