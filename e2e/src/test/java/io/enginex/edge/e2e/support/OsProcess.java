package io.enginex.edge.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real OS process of the product (hub or agent), with its stdout and stderr in one log file that
 * tests read and that stays behind for troubleshooting a failed run.
 */
public final class OsProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private OsProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -jar jar args…} with output appended to {@code log}, with the jar's {@linkplain
     * ClassDataSharing class-data archive} (this process may be the one that writes it).
     */
    public static OsProcess startJar(String name, Path jar, Path log, Map<String, String> env, List<String> args) {
        return startJar(name, jar, log, env, args, true);
    }

    private static OsProcess startJar(
            String name, Path jar, Path log, Map<String, String> env, List<String> args, boolean mayTrain) {
        ClassDataSharing.Use cds = ClassDataSharing.forJar(jar, mayTrain);
        List<String> command = new ArrayList<>();
        command.add(Jvm.java());
        command.add("-Xmx256m");
        command.addAll(cds.flags());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        OsProcess started = start(name, command, log, env);
        if (cds.training().isPresent()) {
            started.process.onExit().thenAccept(p -> cds.ended(p.exitValue()));
        }
        return started;
    }

    /** Starts {@code command} (any program) with output appended to {@code log}. */
    public static OsProcess start(String name, List<String> command, Path log, Map<String, String> env) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            return new OsProcess(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Runs {@code java -jar jar args…} to completion (a CLI command) and returns its exit code and output. */
    public static Completed run(Path jar, Path log, Map<String, String> env, List<String> args) {
        // Several commands append to one log: this command's output is what follows the log's length
        // before it started, cut in bytes (the output has multi-byte characters such as "…").
        int before;
        try {
            before = Files.exists(log) ? Math.toIntExact(Files.size(log)) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A command loads only part of what a running hub or agent does: it uses the archive, never writes it.
        try (OsProcess p = startJar(jar.getFileName().toString(), jar, log, env, args, false)) {
            if (!p.process.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("command did not finish in 120 s: " + args + "; log " + log);
            }
            byte[] all = Files.readAllBytes(log);
            String output = new String(all, before, all.length - before, StandardCharsets.UTF_8);
            return new Completed(p.process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public record Completed(int exitCode, String output) {}

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the process has printed {@code text}, failing early if it exits first. */
    public void awaitOutput(String text, Duration timeout) {
        try {
            await(name + " prints \"" + text + "\" (log: " + log + ")")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (output().contains(text)) {
                            return true;
                        }
                        if (!process.isAlive()) {
                            throw new IllegalStateException(name + " exited with " + process.exitValue()
                                    + " before printing \"" + text + "\":\n" + tail());
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            // CI keeps the test report, not the log file: the report must say what the process did.
            throw new AssertionError(e.getMessage() + "\n" + name + "'s output ends with:\n" + tail(), e);
        }
    }

    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still running after " + timeout + ":\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; what a power cut or OOM kill does. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, as a service manager's stop or Ctrl+C sends it; returns without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** SIGTERM, then SIGKILL after a grace period. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    public String tail() {
        String all = output();
        return all.length() > 4000 ? "…" + all.substring(all.length() - 4000) : all;
    }

    @Override
    public void close() {
        stop();
    }
}
