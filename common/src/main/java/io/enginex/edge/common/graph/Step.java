package io.enginex.edge.common.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link Graph}: a call of {@code tool} with {@code args} (which may hold {@code
 * ${...}} references, resolved just before the call).
 *
 * @param dependsOn the steps that must have succeeded before this one runs
 * @param when the condition, or empty to always run once the dependencies succeeded
 * @param timeout how long one attempt may take
 * @param approval why a person must approve the step before it runs (its {@code approval.reason}), or
 *     empty when it needs no approval
 */
public record Step(
        String id,
        String tool,
        ObjectNode args,
        List<String> dependsOn,
        Optional<Condition> when,
        Duration timeout,
        Retry retry,
        Optional<String> approval) {
    /** The timeout of a step that sets none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /**
     * The tool a {@code "model"} step calls: the agent's chat-completions client, with the step's
     * {@code model} object as its arguments.
     */
    public static final String MODEL_TOOL = "model.chat";

    public Step {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tool, "tool");
        args = args.deepCopy();
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(approval, "approval");
    }

    @Override
    public ObjectNode args() {
        return args.deepCopy();
    }
}
