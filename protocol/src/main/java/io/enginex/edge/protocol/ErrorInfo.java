package io.enginex.edge.protocol;

import java.util.Objects;

/**
 * A typed failure: {@code code} is one of {@link ErrorCodes} (or a newer one), {@code message} says
 * what happened in words a person can act on.
 */
public record ErrorInfo(String code, String message) {
    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
