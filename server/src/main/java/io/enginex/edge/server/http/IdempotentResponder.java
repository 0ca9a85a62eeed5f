package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.IdempotentRequest;
import io.javalin.http.Context;

/**
 * The create routes' one way to answer: reads the {@value #HEADER} header, runs the creation through
 * {@link IdempotentCreates} scoped by the path's tenant and the caller, and writes the (first)
 * answer; a replay carries {@value #REPLAYED}{@code : true}.
 */
final class IdempotentResponder {
    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private final IdempotentCreates creates;
    private final ObjectMapper mapper;

    IdempotentResponder(IdempotentCreates creates, ObjectMapper mapper) {
        this.creates = creates;
        this.mapper = mapper;
    }

    /** Runs {@code creation} at most once per key of {@code caller} in the path's tenant, and answers. */
    <T> void respond(Context ctx, Caller caller, Creation<T> creation) {
        respond(ctx, caller, ctx.bodyAsBytes(), creation);
    }

    /**
     * As {@link #respond(Context, Caller, Creation)}, with {@code fingerprintBody} standing for the body
     * in the request's fingerprint: a body with a secret in it is fingerprinted with the secret replaced
     * by a keyed tag, so the stored fingerprint is no plain hash of it.
     */
    <T> void respond(Context ctx, Caller caller, byte[] fingerprintBody, Creation<T> creation) {
        var request = new IdempotentRequest(
                ctx.pathParam("t"),
                caller.actorId(),
                ctx.header(HEADER),
                ctx.method().name(),
                ctx.path(),
                fingerprintBody);
        Answer answer = creates.create(request, creation);
        if (answer.replayed()) {
            ctx.header(REPLAYED, "true");
        }
        ctx.status(answer.status()).contentType("application/json").result(answer.body());
    }

    /** A 202 answer whose body is {@code view} as JSON: the work was accepted and goes on elsewhere. */
    Answer accepted(String resourceId, Object view) {
        try {
            return Answer.of(202, resourceId, mapper.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer for " + resourceId, e);
        }
    }

    /** A 201 answer whose body is {@code view} as JSON. */
    Answer created(String resourceId, Object view) {
        try {
            return Answer.of(201, resourceId, mapper.writeValueAsString(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer for " + resourceId, e);
        }
    }
}
