package io.enginex.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One job event from a tenant's or a session's stream (docs/API.md, "Job events"). Immutable.
 *
 * @param id the event's own id, the same on every stream and webhook
 * @param type {@code job.created}, {@code job.approved}, {@code job.denied} or {@code job.finished}
 * @param state the job's state after the event
 * @param errorCode the job's error code when it finished without success, else null
 * @param lastEventId the stream position after this event: hand it to {@link EdgeClient#subscribe} to
 *     resume after it
 * @param json the event's whole data, for fields this type does not name
 */
public record JobEvent(
        String id,
        String type,
        Instant at,
        String tenantId,
        String jobId,
        String sessionId,
        String agentId,
        String tool,
        String state,
        String errorCode,
        String lastEventId,
        JsonNode json) {
    static JobEvent from(String type, JsonNode data, String lastEventId) {
        return new JobEvent(
                Fields.text(data, "id"),
                type,
                Fields.instant(data, "at"),
                Fields.text(data, "tenantId"),
                Fields.text(data, "jobId"),
                Fields.text(data, "sessionId"),
                Fields.text(data, "agentId"),
                Fields.text(data, "tool"),
                Fields.text(data, "state"),
                Fields.text(data, "errorCode"),
                lastEventId,
                data);
    }
}
