package io.enginex.edge.agent.exec;

/**
 * How a command ended.
 *
 * @param exitCode the process's exit code
 * @param stdout standard output, UTF-8, at most the cap
 * @param stderr standard error, UTF-8, at most the cap
 * @param stdoutTruncated more output was produced and dropped
 * @param stderrTruncated more error output was produced and dropped
 * @param durationMillis wall time from start to exit
 */
public record CommandResult(
        int exitCode,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        long durationMillis) {}
