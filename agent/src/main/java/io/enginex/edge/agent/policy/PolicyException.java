package io.enginex.edge.agent.policy;

/**
 * A policy file that cannot be used: unreadable, not JSON, a rule out of shape, or writable by someone
 * other than the machine's administrator. The message names the file and says what to fix. The agent
 * does not start with a policy it cannot trust.
 */
public final class PolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
