package io.enginex.edge.agent.network;

import java.util.Objects;

/** A URL the network policy refuses or that cannot be fetched; {@link #code()} is an ErrorCodes value. */
public final class NetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public NetworkException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
