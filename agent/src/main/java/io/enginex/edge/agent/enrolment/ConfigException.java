package io.enginex.edge.agent.enrolment;

/** The agent's configuration file cannot be read, parsed or rewritten; the message names the file and the fix. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
