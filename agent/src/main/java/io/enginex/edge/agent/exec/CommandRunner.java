package io.enginex.edge.agent.exec;

import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a {@link CommandTemplate} with parameters: each {@code {name}} argument is replaced by the
 * parameter's value as one argument (no shell ever parses it), after the value matched the template's
 * rule. The child gets only {@link #ENVIRONMENT} and its working folder; stdout and stderr are
 * read concurrently and capped. On timeout, cancel or deadline the whole process tree is killed
 * (SIGKILL to every descendant, then the process), so children that ignore SIGTERM or fork
 * grandchildren die too.
 *
 * <p>Limitation: a descendant that detached itself (double fork, re-parented to init) before the kill
 * is no longer in the tree and is not found; see docs/POLICY.md.
 *
 * <p>Thread-safe; each run uses two reader tasks on {@code executor}.
 */
public final class CommandRunner {
    /** The whole environment a command sees. */
    public static final Map<String, String> ENVIRONMENT =
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8");

    private final ExecutorService executor;
    private final Clock clock;
    private final int maxOutputBytes;

    /**
     * @param executor runs the output readers (virtual threads)
     * @param maxOutputBytes cap of stdout and of stderr each
     */
    public CommandRunner(ExecutorService executor, Clock clock, int maxOutputBytes) {
        this.executor = executor;
        this.clock = clock;
        this.maxOutputBytes = maxOutputBytes;
    }

    /**
     * The argument vector for {@code params}.
     *
     * @throws CommandException {@code invalid_arguments} for a missing, extra or non-matching parameter
     */
    public static List<String> argv(CommandTemplate template, Map<String, String> params) {
        for (String name : params.keySet()) {
            if (!template.params().containsKey(name)) {
                throw new CommandException(
                        ErrorCodes.INVALID_ARGUMENTS,
                        "command " + template.name() + " has no parameter \"" + name + "\"; it takes: "
                                + String.join(
                                        ", ", new TreeSet<>(template.params().keySet())));
            }
        }
        List<String> argv = new ArrayList<>();
        for (String arg : template.argv()) {
            if (arg.startsWith("{") && arg.endsWith("}")) {
                String name = arg.substring(1, arg.length() - 1);
                String value = params.get(name);
                if (value == null) {
                    throw new CommandException(
                            ErrorCodes.INVALID_ARGUMENTS,
                            "command " + template.name() + " needs parameter \"" + name + "\"");
                }
                if (!template.params().get(name).accepts(value)) {
                    throw new CommandException(
                            ErrorCodes.BLOCKED_BY_POLICY,
                            "parameter \"" + name + "\" of command " + template.name() + " does not match its rule in "
                                    + template.source());
                }
                argv.add(value);
            } else {
                argv.add(arg);
            }
        }
        return argv;
    }

    /**
     * Runs the command in {@code workdir} until it exits, {@code timeout} passes or {@code stop}
     * turns true.
     *
     * @throws CommandException {@code tool_failed} when it cannot start or ran out of time (the tree
     *     was killed), {@code cancelled} when stopped
     */
    public CommandResult run(List<String> argv, Path workdir, Duration timeout, BooleanSupplier stop) {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workdir.toFile());
        builder.environment().clear();
        builder.environment().putAll(ENVIRONMENT);
        Instant started = clock.instant();
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close(); // no input: a command waiting for it sees end of file
        } catch (IOException e) {
            throw new CommandException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot start " + argv.get(0) + " (" + e.getClass().getSimpleName() + ")");
        }
        Future<Captured> out = executor.submit(() -> capture(process.getInputStream()));
        Future<Captured> err = executor.submit(() -> capture(process.getErrorStream()));
        Instant end = started.plus(timeout);
        try {
            while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                if (stop.getAsBoolean()) {
                    killTree(process);
                    throw new CommandException(ErrorCodes.CANCELLED, "stopped; the command's process tree was killed");
                }
                if (!clock.instant().isBefore(end)) {
                    killTree(process);
                    throw new CommandException(
                            ErrorCodes.TOOL_FAILED,
                            "the command ran longer than its timeout of " + timeout.toSeconds()
                                    + " s; its process tree was killed");
                }
            }
            Captured stdout = out.get(5, TimeUnit.SECONDS);
            Captured stderr = err.get(5, TimeUnit.SECONDS);
            return new CommandResult(
                    process.exitValue(),
                    stdout.text(),
                    stderr.text(),
                    stdout.truncated(),
                    stderr.truncated(),
                    Duration.between(started, clock.instant()).toMillis());
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new CommandException(ErrorCodes.CANCELLED, "interrupted; the command's process tree was killed");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            killTree(process);
            throw new CommandException(ErrorCodes.TOOL_FAILED, "cannot read the command's output (" + e + ")");
        }
    }

    /** SIGKILL to every descendant (deepest first), then to the process. */
    static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        // A child may have forked between the snapshot and its death: look once more.
        tree.forEach(h -> h.descendants().forEach(ProcessHandle::destroyForcibly));
    }

    private Captured capture(InputStream in) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean truncated = false;
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int room = maxOutputBytes - kept.size();
                if (n > room) {
                    truncated = true;
                }
                kept.write(buffer, 0, Math.max(0, Math.min(n, room)));
            }
        }
        return new Captured(kept.toString(StandardCharsets.UTF_8), truncated);
    }

    private record Captured(String text, boolean truncated) {}
}
