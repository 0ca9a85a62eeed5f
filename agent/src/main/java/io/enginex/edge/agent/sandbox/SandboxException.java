package io.enginex.edge.agent.sandbox;

/**
 * A path the sandbox refused or could not find. {@link #code()} is {@code path_outside_root}, {@code
 * not_found} or {@code invalid_arguments} (see {@code ErrorCodes}); the message names the path only as
 * the caller gave it, never where it really leads.
 */
public final class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public SandboxException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
