package io.enginex.edge.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.e2e.support.Jvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code engine serve} as a separate process for a fleet run: TLS with its self-signed certificate,
 * bound to 127.0.0.1, with the heap the run asks for. The e2e harness's {@code HubProcess} pins
 * {@code -Xmx256m}, too small for thousands of agents, hence this launcher. Not thread-safe: one
 * driver thread starts, restarts and closes it.
 */
public final class BenchHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final Path logDir;
    private final String heap;
    private final List<String> extraArgs;
    private Process process;
    private int port;
    private int starts;
    private String url;
    private String fingerprint;

    private BenchHub(Path dataDir, Path logDir, String heap, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.heap = heap;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /**
     * Starts a hub on a free port and waits until it wrote {@code hub.json}.
     *
     * @param heap the hub JVM's {@code -Xmx}, e.g. {@code 1g}
     * @param extraArgs more {@code engine serve} options ({@code --heartbeat 30s}, {@code --db-url …})
     */
    public static BenchHub start(Path dataDir, Path logDir, String heap, List<String> extraArgs) {
        BenchHub hub = new BenchHub(dataDir, logDir, heap, extraArgs);
        hub.launch(0);
        return hub;
    }

    private void launch(int requestedPort) {
        List<String> command = new ArrayList<>(List.of(
                Jvm.java(),
                "-Xmx" + heap,
                "-jar",
                Jvm.serverJar().toString(),
                "serve",
                "--data-dir",
                dataDir.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(requestedPort)));
        command.addAll(extraArgs);
        Path runtime = dataDir.resolve("hub.json");
        starts++;
        Path log = logDir.resolve(dataDir.getFileName() + "-" + starts + ".log");
        try {
            Files.createDirectories(logDir);
            Files.deleteIfExists(runtime);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!Files.exists(runtime)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the hub exited at start; see " + log);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the hub did not write " + runtime + " within 3 min; see " + log);
                }
                Thread.sleep(50);
            }
            JsonNode written = JSON.readTree(runtime.toFile());
            port = written.path("port").asInt();
            url = written.path("url").asText();
            fingerprint = written.path("fingerprint").asText();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the hub (" + command + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the hub started", e);
        }
    }

    /** SIGTERM (the hub closes every socket with 1001 and its reconnect window), then starts again on the same port. */
    public Duration stop() {
        long start = System.nanoTime();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Starts the hub again on the same data directory and port; call after {@link #stop()}. */
    public void startAgain() {
        launch(port);
    }

    public long pid() {
        return process.pid();
    }

    public String url() {
        return url;
    }

    /** The {@code wss://} URL of the agent endpoint. */
    public String agentSocketUrl() {
        return url.replaceFirst("^http", "ws") + "/api/v1/agent/connect";
    }

    public String fingerprint() {
        return fingerprint;
    }

    public String adminKey() {
        try {
            return Files.readString(dataDir.resolve("admin.key"), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
