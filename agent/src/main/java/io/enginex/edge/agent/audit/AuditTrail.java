package io.enginex.edge.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.journal.JobOutcome;

/** Where the job runner reports each invocation. Implementations are thread-safe and never throw. */
@FunctionalInterface
public interface AuditTrail {
    /** A trail that keeps nothing. */
    AuditTrail NONE = (jobId, tool, args, attempt, outcome) -> {};

    /**
     * @param args the arguments as dispatched; implementations must not store content that may be
     *     secret (file contents, parameter values) in clear
     */
    void record(String jobId, String tool, JsonNode args, int attempt, JobOutcome outcome);

    /**
     * A job's tool asked for a vault secret.
     *
     * @param tool the tool, or {@code exec:TEMPLATE}
     * @param secret the secret's name (never its value)
     * @param outcome {@code revealed}, {@code refused} (by policy) or {@code missing}
     */
    default void secretUsed(String jobId, String tool, String secret, String outcome) {}
}
