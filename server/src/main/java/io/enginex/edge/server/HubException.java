package io.enginex.edge.server;

/**
 * A request the hub refuses, with a typed {@link #code()} (snake_case, part of the API) and a
 * message that says what happened and what to do. Each subtype carries its HTTP status in one place
 * ({@link #httpStatus()}); {@code http.HubErrors} is the one place that puts it (and its headers) on a
 * response, for the API's JSON errors and the dashboard's pages alike, and nothing else decides status
 * codes.
 *
 * <p>Messages never contain secrets: callers name ids, never tokens or keys.
 */
public abstract sealed class HubException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    HubException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The HTTP status this refusal is answered with; the one place that decides it. */
    public int httpStatus() {
        return switch (this) {
            case BadRequest x -> 400;
            case Unauthenticated x -> 401;
            case Forbidden x -> 403;
            case NotFound x -> 404;
            case Conflict x -> 409;
            case Gone x -> 410;
            case UnsupportedMediaType x -> 415;
            case Unprocessable x -> 422;
            case RateLimited x -> 429;
            case BadGateway x -> 502;
            case Overloaded x -> 503;
        };
    }

    /** The typed error code, e.g. {@code agent_not_found}. */
    public String code() {
        return code;
    }

    /** The request is malformed or a field is out of range (400). */
    public static final class BadRequest extends HubException {
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super("bad_request", message);
        }

        public BadRequest(String code, String message) {
            super(code, message);
        }
    }

    /** The request body is not of the media type the endpoint reads (415). */
    public static final class UnsupportedMediaType extends HubException {
        private static final long serialVersionUID = 1L;

        public UnsupportedMediaType(String message) {
            super("unsupported_media_type", message);
        }
    }

    /** No valid credential, or a credential that cannot be used (401). */
    public static final class Unauthenticated extends HubException {
        private static final long serialVersionUID = 1L;

        public Unauthenticated(String code, String message) {
            super(code, message);
        }
    }

    /** The caller is known but may not do this (403). */
    public static final class Forbidden extends HubException {
        private static final long serialVersionUID = 1L;

        public Forbidden(String code, String message) {
            super(code, message);
        }
    }

    /** No such thing visible to the caller (404). Also used for other tenants' things, so as not to reveal them. */
    public static final class NotFound extends HubException {
        private static final long serialVersionUID = 1L;

        public NotFound(String code, String message) {
            super(code, message);
        }
    }

    /** The thing exists but its state forbids this (409). */
    public static final class Conflict extends HubException {
        private static final long serialVersionUID = 1L;

        public Conflict(String code, String message) {
            super(code, message);
        }
    }

    /** 422: well-formed, but cannot be done as asked (an Idempotency-Key reused for another request). */
    public static final class Unprocessable extends HubException {
        private static final long serialVersionUID = 1L;

        public Unprocessable(String code, String message) {
            super(code, message);
        }
    }

    /** Too many attempts from one source; retry after {@link #retryAfterSeconds()} (429). */
    public static final class RateLimited extends HubException {
        private static final long serialVersionUID = 1L;

        private final long retryAfterSeconds;

        public RateLimited(long retryAfterSeconds) {
            this("too many attempts from this address", retryAfterSeconds);
        }

        /** @param what what there were too many of, e.g. "too many attempts with this token" */
        public RateLimited(String what, long retryAfterSeconds) {
            super("rate_limited", what + "; retry in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * The hub is at the capacity it was configured for, for this kind of work; retry after {@link
     * #retryAfterSeconds()} (503). Nothing was done.
     */
    public static final class Overloaded extends HubException {
        private static final long serialVersionUID = 1L;

        private final long retryAfterSeconds;

        public Overloaded(String message, long retryAfterSeconds) {
            super("overloaded", message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * A service the hub relies on for this request (a tenant's OpenID provider) did not answer, or
     * answered what the hub cannot use (502). The message names the service and what to check.
     */
    public static final class BadGateway extends HubException {
        private static final long serialVersionUID = 1L;

        public BadGateway(String code, String message) {
            super(code, message);
        }
    }

    /** What the request names existed once and is no longer kept (410): an event id past the replay window. */
    public static final class Gone extends HubException {
        private static final long serialVersionUID = 1L;

        public Gone(String code, String message) {
            super(code, message);
        }
    }
}
