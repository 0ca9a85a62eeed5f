package io.enginex.edge.common.tuf;

/**
 * A TUF repository or its metadata is not what the specification and this repository's keys allow: a
 * bad signature, too few signatures, an expired or rolled-back role, a target that does not match its
 * hash. The message names the file, the role and what to do.
 */
public class TufException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public TufException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TufException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * A short machine-readable reason ({@code expired}, {@code threshold}, {@code rollback},
     * {@code hash_mismatch}, {@code too_large}, {@code unreachable}, {@code invalid}, …).
     */
    public String reason() {
        return reason;
    }
}
