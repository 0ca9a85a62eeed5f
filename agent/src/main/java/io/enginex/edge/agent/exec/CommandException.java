package io.enginex.edge.agent.exec;

import java.util.Objects;

/**
 * A command that was refused or could not be run; {@link #code()} is an {@code ErrorCodes} value
 * ({@code blocked_by_policy}, {@code invalid_arguments}, {@code tool_failed}, {@code cancelled}).
 */
public final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public CommandException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
