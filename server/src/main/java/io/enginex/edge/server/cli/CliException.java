package io.enginex.edge.server.cli;

/** A failure to show as one message on stderr, with the process exit code it maps to. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Something failed. */
    static final int FAILURE = 1;

    /** The command line was wrong. */
    static final int USAGE = 2;

    private final int exitCode;

    CliException(String message) {
        this(message, FAILURE);
    }

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
