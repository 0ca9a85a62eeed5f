package io.enginex.edge.server.events;

import java.time.Instant;

/**
 * One job event as streams and webhooks send it: what happened to which job, and the position
 * after it ({@link #cursor}), which a client hands back as {@code Last-Event-ID}.
 *
 * @param id the event's own id (its audit event's), the same on every stream and webhook
 * @param type {@code job.created}, {@code job.approved}, {@code job.denied} or {@code job.finished}
 * @param state the job's state after the event ({@code awaiting_approval}, {@code queued}, {@code
 *     succeeded}, {@code failed}, {@code timed_out}, {@code cancelled})
 * @param errorCode the job's error code when it finished without success, else null
 * @param actorType who caused it: {@code api_key}, {@code user}, {@code agent} or {@code system}
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
        String actorType,
        String actorId,
        EventCursor cursor) {}
