package io.enginex.edge.server.oauth;

import com.nimbusds.oauth2.sdk.ErrorObject;

/**
 * A refusal of the token, registration or revocation endpoint as OAuth says it: an error code ({@code
 * invalid_grant}, {@code invalid_client} …), a description that names the fix, and the HTTP status.
 * The routes answer it as the RFC's JSON error object.
 */
public final class OAuthError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorObject error;

    OAuthError(ErrorObject kind, String description) {
        super(kind.getCode() + ": " + description);
        this.error = described(kind, description);
    }

    /**
     * {@code kind} with {@code description} made of the characters RFC 6749 §5.2 allows (printable
     * ASCII but {@code "} and {@code \}), which the SDK insists on: quotes become {@code '}, anything
     * else {@code ?}.
     */
    static ErrorObject described(ErrorObject kind, String description) {
        var clean = new StringBuilder(description.length());
        description
                .codePoints()
                .forEach(c -> clean.append(c == '"' ? '\'' : c < 0x20 || c > 0x7e || c == '\\' ? '?' : (char) c));
        return kind.setDescription(clean.toString());
    }

    /** The error with its description and status, for the response body. */
    public ErrorObject error() {
        return error;
    }

    public int status() {
        return error.getHTTPStatusCode();
    }
}
