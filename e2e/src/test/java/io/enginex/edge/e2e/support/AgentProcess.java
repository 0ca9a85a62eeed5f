package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The desktop agent as a separate OS process: registered with a token, then running. */
public final class AgentProcess implements AutoCloseable {
    private final Path stateDir;
    private final Path root;
    private final Path logDir;
    private int starts;
    private OsProcess process;

    private AgentProcess(Path stateDir, Path root, Path logDir) {
        this.stateDir = stateDir;
        this.root = root;
        this.logDir = logDir;
    }

    public static AgentProcess of(Path stateDir, Path root, Path logDir) {
        return new AgentProcess(stateDir, root, logDir);
    }

    /**
     * Writes a machine policy as the agent requires one to be: {@code dir/policy.json}, in a directory
     * and file others may read but not write.
     *
     * @return the policy file, for {@code --machine-policy}
     */
    public static Path machinePolicy(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = dir.resolve("policy.json");
        Files.writeString(file, json);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** {@code enginex-agent register --server URL --token T --pin FP}: exit code and output. */
    public OsProcess.Completed register(HubProcess hub, String token) {
        return hub.url().startsWith("https:")
                ? register(hub.url(), token, List.of("--pin", hub.fingerprint()))
                : register(hub.url(), token, List.of());
    }

    /** {@code enginex-agent register --server URL --token T} for a plain-HTTP hub (or proxy) on loopback. */
    public OsProcess.Completed register(String url, String token) {
        return register(url, token, List.of());
    }

    /**
     * {@code enginex-agent register --server URLS --token T --pin FP}: {@code urls} is one URL or
     * several separated by commas (the nodes of one hub).
     */
    public OsProcess.Completed register(String urls, String token, String pin) {
        return register(urls, token, List.of("--pin", pin));
    }

    /** Another {@code enginex-agent} command on this agent's state directory ({@code --state-dir} added). */
    public OsProcess.Completed command(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", stateDir.toString()));
        return OsProcess.run(Jvm.agentJar(), logDir.resolve("agent-" + args[0] + ".log"), Map.of(), all);
    }

    private OsProcess.Completed register(String url, String token, List<String> trust) {
        List<String> args = new ArrayList<>(
                List.of("register", "--server", url, "--token", token, "--state-dir", stateDir.toString()));
        args.addAll(trust);
        return OsProcess.run(Jvm.agentJar(), logDir.resolve("agent-register.log"), Map.of(), args);
    }

    /** {@code enginex-agent run}; returns once the agent says it is connected. */
    public AgentProcess run() {
        return run(List.of());
    }

    /**
     * {@code enginex-agent run} with {@code extraArgs} (with {@code --backoff-base}, they replace the
     * quick test backoff); returns once the agent says it is connected.
     */
    public AgentProcess run(List<String> extraArgs) {
        start(extraArgs);
        process.awaitOutput("Connected to", Duration.ofSeconds(60));
        return this;
    }

    /**
     * {@code enginex-agent run} with {@code extraArgs}, as {@link #run(List)}, but returns at once: for an
     * agent started while its hub is down.
     */
    public AgentProcess start(List<String> extraArgs) {
        starts++;
        List<String> args =
                new ArrayList<>(List.of("run", "--state-dir", stateDir.toString(), "--root", root.toString()));
        if (!extraArgs.contains("--backoff-base")) {
            // Quick reconnects, unless the test is about the backoff itself.
            args.addAll(List.of("--backoff-base", "100ms", "--backoff-cap", "1s"));
        }
        args.addAll(extraArgs);
        process = OsProcess.startJar(
                "agent#" + starts, Jvm.agentJar(), logDir.resolve("agent-" + starts + ".log"), Map.of(), args);
        return this;
    }

    public OsProcess process() {
        return process;
    }

    public Path stateDir() {
        return stateDir;
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
