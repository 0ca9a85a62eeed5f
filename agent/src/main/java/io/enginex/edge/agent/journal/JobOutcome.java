package io.enginex.edge.agent.journal;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorInfo;
import java.time.Instant;
import java.util.Objects;

/**
 * How a job ended: exactly one of {@code output} and {@code error} is set.
 *
 * @param startedAt when the agent began the job
 * @param finishedAt when the outcome was known
 * @param consent how the person at the machine answered before a tool the policy marks {@code
 *     consentRequired} ran ({@code ToolConsent}), or null; sent to the hub with the result and
 *     journaled with the outcome (a replayed result, and a graph step resumed from the journal, carry it)
 */
public record JobOutcome(JsonNode output, ErrorInfo error, Instant startedAt, Instant finishedAt, JsonNode consent) {
    public JobOutcome(JsonNode output, ErrorInfo error, Instant startedAt, Instant finishedAt) {
        this(output, error, startedAt, finishedAt, null);
    }

    /** This outcome with the person's consent answer attached. */
    public JobOutcome withConsent(JsonNode answer) {
        return new JobOutcome(output, error, startedAt, finishedAt, answer);
    }

    public JobOutcome {
        if ((output == null) == (error == null)) {
            throw new IllegalArgumentException("an outcome has either output or error");
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    public static JobOutcome success(JsonNode output, Instant startedAt, Instant finishedAt) {
        return new JobOutcome(output, null, startedAt, finishedAt);
    }

    public static JobOutcome failure(String code, String message, Instant startedAt, Instant finishedAt) {
        return new JobOutcome(null, new ErrorInfo(code, message), startedAt, finishedAt);
    }

    /**
     * Stands in for a result the bounded journal no longer keeps in full: the job ran, once, and its
     * output is gone.
     */
    static JobOutcome dropped(Instant startedAt, Instant finishedAt) {
        return failure(
                ErrorCodes.INTERNAL,
                "this job ran and finished, but its result was too old to keep in the agent's bounded journal;"
                        + " it was not run again",
                startedAt,
                finishedAt);
    }

    public boolean ok() {
        return error == null;
    }

    /** {@code ok} or the error code, for logs. */
    public String summary() {
        return ok() ? "ok" : error.code();
    }
}
