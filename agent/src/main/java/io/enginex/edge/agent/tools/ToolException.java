package io.enginex.edge.agent.tools;

import java.util.Objects;

/**
 * A tool call that failed in a way the caller should know by {@link #code()} (one of {@code
 * ErrorCodes}, e.g. {@code not_found}). The message is sent to the hub, so it names the arguments as
 * given and nothing the sandbox hides.
 */
public final class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public ToolException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The same refusal, as a tool failure. */
    public static ToolException from(io.enginex.edge.agent.sandbox.SandboxException e) {
        return new ToolException(e.code(), e.getMessage());
    }

    public String code() {
        return code;
    }
}
