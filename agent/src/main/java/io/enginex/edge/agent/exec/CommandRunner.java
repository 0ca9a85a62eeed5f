package io.enginex.edge.agent.exec;

import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a {@link CommandTemplate} with parameters: each {@code {name}} argument is replaced by the
 * parameter's value as one argument (no shell ever parses it), after the value matched the template's
 * rule. The child gets only {@link #ENVIRONMENT} and its working folder; stdout and stderr are
 * read concurrently and capped.
 *
 * <p>The child starts as the root of a {@link ProcessTree} ({@link ProcessGroups}: its own process
 * group on Linux, a Job Object on Windows). On timeout, cancel, deadline or interrupt the whole tree is
 * ended — SIGTERM, then SIGKILL for what is left after the grace period — and only then does {@link
 * #run} return or throw, so whoever reports the job's end reports it after the command's effect has
 * stopped. Processes of the tree still running when the command itself exits are ended the same way.
 * Where neither groups nor jobs exist (macOS) the tree is the child's descendants, and a descendant
 * that detached itself (double fork) is not found; see docs/POLICY.md.
 *
 * <p>Thread-safe; each run uses two reader tasks on {@code executor}.
 */
public final class CommandRunner {
    /** The whole environment a command sees. */
    public static final Map<String, String> ENVIRONMENT =
            Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8");

    /**
     * Where there is a POSIX shell, a command starts behind this gate: the shell waits for one line on its
     * standard input, which the runner writes only once {@code started} has returned (the job journal has
     * recorded the tree durably), and then becomes the command ({@code exec}, same pid and group; the {@code PWD} the shell exports is unset, so the
     * command's environment stays {@link #ENVIRONMENT}). An agent
     * killed in between leaves the gate's input at end of file, and the shell exits without running the
     * command; without the gate, such a command would run on, recorded nowhere, after the agent's restart.
     */
    private static final List<String> GATE =
            List.of("/bin/sh", "-c", "IFS= read -r _ || exit 125; unset PWD; exec \"$@\"", "enginex-gate");

    private static final boolean GATED =
            !System.getProperty("os.name", "").startsWith("Windows") && Files.isExecutable(Path.of(GATE.getFirst()));

    /** How long a command's tree may take to end after SIGTERM before it gets SIGKILL. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private final ExecutorService executor;
    private final Clock clock;
    private final int maxOutputBytes;
    private final ProcessGroups groups;
    private final Duration grace;

    /**
     * A runner with the process trees of this OS and {@link #DEFAULT_GRACE}.
     *
     * @param executor runs the output readers (virtual threads)
     * @param maxOutputBytes cap of stdout and of stderr each
     */
    public CommandRunner(ExecutorService executor, Clock clock, int maxOutputBytes) {
        this(executor, clock, maxOutputBytes, ProcessGroups.forThisMachine(), DEFAULT_GRACE);
    }

    /**
     * @param groups how commands are started and their trees ended
     * @param grace how long a tree may take to end after SIGTERM before SIGKILL
     */
    public CommandRunner(
            ExecutorService executor, Clock clock, int maxOutputBytes, ProcessGroups groups, Duration grace) {
        this.executor = executor;
        this.clock = clock;
        this.maxOutputBytes = maxOutputBytes;
        this.groups = groups;
        this.grace = grace;
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

    /** {@link #run(List, Path, Map, Duration, BooleanSupplier, Consumer)} without telling anyone the tree. */
    public CommandResult run(List<String> argv, Path workdir, Duration timeout, BooleanSupplier stop) {
        return run(argv, workdir, Map.of(), timeout, stop, tree -> {});
    }

    /** {@link #run(List, Path, Map, Duration, BooleanSupplier, Consumer)} with only {@link #ENVIRONMENT}. */
    public CommandResult run(
            List<String> argv, Path workdir, Duration timeout, BooleanSupplier stop, Consumer<ProcessTree> started) {
        return run(argv, workdir, Map.of(), timeout, stop, started);
    }

    /**
     * Runs the command in {@code workdir} until it exits, {@code timeout} passes, {@code stop} turns
     * true or the thread is interrupted; in every case what is left of its tree is ended before this
     * returns.
     *
     * @param env variables added to {@link #ENVIRONMENT} (a template's {@code env}, set to vault
     *     secrets; the policy keeps {@code PATH}, {@code LANG}, {@code LC_*} and loader variables out)
     * @param started told the command's tree right after the start (the job journal records it, so
     *     an agent killed meanwhile can end the tree at its next start)
     * @throws CommandException {@code tool_failed} when it cannot start or ran out of time (the tree
     *     was killed), {@code cancelled} when stopped or interrupted (the interrupt flag is kept)
     */
    public CommandResult run(
            List<String> argv,
            Path workdir,
            Map<String, String> env,
            Duration timeout,
            BooleanSupplier stop,
            Consumer<ProcessTree> started) {
        List<String> command = new ArrayList<>(GATED ? GATE : List.of());
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(groups.argv(command)).directory(workdir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(ENVIRONMENT);
        requireExecutable(argv.get(0));
        Instant begun = clock.instant();
        Process process;
        try {
            process = builder.start();
            if (!GATED) {
                process.getOutputStream().close(); // no input: a command waiting for it sees end of file
            }
        } catch (IOException e) {
            throw new CommandException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot start " + argv.get(0) + " (" + e.getClass().getSimpleName() + ")");
        }
        try (ProcessTree tree = groups.attach(process)) {
            started.accept(tree);
            if (GATED) {
                openGate(process);
            }
            return await(process, tree, begun, timeout, stop);
        }
    }

    /** Lets a gated command run, its input then at end of file as for any command. */
    private static void openGate(Process process) {
        try (var in = process.getOutputStream()) {
            in.write('\n');
        } catch (IOException e) {
            // the gate ended already (killed by the tree's end or from outside): await reports its exit
        }
    }

    private CommandResult await(
            Process process, ProcessTree tree, Instant begun, Duration timeout, BooleanSupplier stop) {
        Future<Captured> out = executor.submit(() -> capture(process.getInputStream()));
        Future<Captured> err = executor.submit(() -> capture(process.getErrorStream()));
        Instant end = begun.plus(timeout);
        try {
            while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                if (stop.getAsBoolean()) {
                    tree.end(grace);
                    throw new CommandException(ErrorCodes.CANCELLED, "stopped; the command's process tree was killed");
                }
                if (!clock.instant().isBefore(end)) {
                    tree.end(grace);
                    throw new CommandException(
                            ErrorCodes.TOOL_FAILED,
                            "the command ran longer than its timeout of " + timeout.toSeconds()
                                    + " s; its process tree was killed");
                }
            }
            // What the command left running in its group would hold the output pipes open and go on
            // acting after the job reported its end.
            tree.end(grace);
            Captured stdout = out.get(5, TimeUnit.SECONDS);
            Captured stderr = err.get(5, TimeUnit.SECONDS);
            return new CommandResult(
                    process.exitValue(),
                    stdout.text(),
                    stderr.text(),
                    stdout.truncated(),
                    stderr.truncated(),
                    Duration.between(begun, clock.instant()).toMillis());
        } catch (InterruptedException e) {
            tree.end(grace);
            Thread.currentThread().interrupt();
            throw new CommandException(ErrorCodes.CANCELLED, "interrupted; the command's process tree was killed");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            tree.end(grace);
            throw new CommandException(ErrorCodes.TOOL_FAILED, "cannot read the command's output (" + e + ")");
        }
    }

    /**
     * Fails early for a program that is not there: behind {@code setsid} the JDK would start {@code
     * setsid} fine and the missing program would only show as exit code 127.
     */
    private static void requireExecutable(String program) {
        boolean found = program.contains("/") || program.contains("\\")
                ? Files.isExecutable(Path.of(program))
                : Arrays.stream(ENVIRONMENT.get("PATH").split(":"))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        if (!found && !System.getProperty("os.name", "").startsWith("Windows")) {
            throw new CommandException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot start " + program + " (no executable file of that name; the command template must name"
                            + " an installed program, by absolute path or in " + ENVIRONMENT.get("PATH") + ")");
        }
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
