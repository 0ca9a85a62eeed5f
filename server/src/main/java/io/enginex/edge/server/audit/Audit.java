package io.enginex.edge.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.enginex.edge.protocol.Printable;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.JobState;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records security-relevant events. Callers pass ids and facts, never secrets; text from outside
 * (actor, target, source address, every string in the details) is stored {@link Printable#escape
 * escaped}, so an event can never carry a line break or a bidi override. Writing is
 * synchronous: when it returns, the event is durable; when the database fails, the exception
 * propagates so the request fails rather than going unrecorded. Thread-safe.
 */
public final class Audit {
    private static final Logger log = LoggerFactory.getLogger(Audit.class);

    /** The outcome column: it happened, it was attempted and failed, or it was refused. */
    public enum Outcome {
        SUCCESS,
        FAILURE,
        DENIED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a thing was done to: type ({@code agent}, {@code api_key}, …) and id. */
    public record Target(String type, String id) {
        public static final Target NONE = new Target(null, null);
    }

    private final AuditStore store;
    private final IdGenerator ids;
    private final Clock clock;
    private final ObjectMapper mapper;

    public Audit(AuditStore store, IdGenerator ids, Clock clock, ObjectMapper mapper) {
        this.store = store;
        this.ids = ids;
        this.clock = clock;
        this.mapper = mapper;
    }

    /**
     * Appends one event.
     *
     * @param tenantId the tenant it concerns, or null for a hub-wide event
     * @param sourceIp the caller's address, or null when there is no request
     * @param details facts without secrets (labels, roles, reasons); may be empty
     */
    public void record(
            String tenantId,
            AuditType type,
            Actor actor,
            String sourceIp,
            Target target,
            Outcome outcome,
            Map<String, ?> details) {
        String json;
        try {
            json = mapper.writeValueAsString(escaped(mapper.valueToTree(details)));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("audit details are not serialisable: " + e.getMessage(), e);
        }
        store.append(new AuditEvent(
                ids.next("aud"),
                tenantId,
                clock.instant(),
                type.wire(),
                actor.type(),
                Printable.escape(actor.id()),
                Printable.escape(sourceIp),
                target.type(),
                Printable.escape(target.id()),
                outcome.wire(),
                json));
        log.atDebug()
                .addKeyValue("type", type.wire())
                .addKeyValue("tenant", tenantId)
                .addKeyValue("actor", actor.id())
                .addKeyValue("outcome", outcome.wire())
                .log("audit event");
    }

    /**
     * Records that a job ended ({@code job.finished}): the event the job streams and webhooks announce
     * its end with. Called inside the transaction that finished the job, so both commit or neither.
     *
     * @param errorCode the job's error code, or null when it succeeded
     */
    public void jobFinished(String tenantId, String jobId, Actor actor, JobState state, String errorCode) {
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("state", state.wire());
        if (errorCode != null) {
            details.put("errorCode", errorCode);
        }
        record(
                tenantId,
                AuditType.JOB_FINISHED,
                actor,
                null,
                new Target("job", jobId),
                state == JobState.SUCCEEDED ? Outcome.SUCCESS : Outcome.FAILURE,
                details);
    }

    /**
     * Records the consent answer an agent reported with a job's result ({@code consent.answered}): who
     * at the machine answered, how and when, and what they were shown. Called inside the transaction
     * that finished the job.
     *
     * @param evidence the result's {@code consent} object; only its known text fields are kept
     */
    public void consentAnswered(String tenantId, String jobId, Actor actor, JsonNode evidence) {
        consentAnswered(tenantId, new Target("job", jobId), actor, evidence);
    }

    /**
     * {@link #consentAnswered(String, String, Actor, JsonNode)} for a graph step's last attempt (target:
     * the step record, {@code RUN_ID:STEP_ID}), recorded when its step record first arrives.
     */
    public void stepConsentAnswered(String tenantId, String stepId, Actor actor, JsonNode evidence) {
        consentAnswered(tenantId, new Target("graph_step", stepId), actor, evidence);
    }

    private void consentAnswered(String tenantId, Target target, Actor actor, JsonNode evidence) {
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        for (String field : CONSENT_FIELDS) {
            JsonNode value = evidence.get(field);
            if (value != null && value.isTextual()) {
                details.put(field, value.textValue());
            }
        }
        record(
                tenantId,
                AuditType.CONSENT_ANSWERED,
                actor,
                null,
                target,
                "allowed".equals(evidence.path("answer").asText()) ? Outcome.SUCCESS : Outcome.FAILURE,
                details);
    }

    /** The fields of a result's {@code consent} the hub keeps (PROTOCOL.md, "result"). */
    public static final List<String> CONSENT_FIELDS = List.of(
            "tool", "user", "answer", "via", "answeredBy", "askedAt", "answeredAt", "shown", "request", "requestedBy");

    /** {@code node} with every text and field name {@link Printable#escape escaped}, so no event carries CR/LF. */
    private static JsonNode escaped(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(Printable.escape(node.textValue()));
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(escaped(element)));
            return copy;
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.properties().forEach(e -> copy.set(Printable.escape(e.getKey()), escaped(e.getValue())));
            return copy;
        }
        return node;
    }
}
