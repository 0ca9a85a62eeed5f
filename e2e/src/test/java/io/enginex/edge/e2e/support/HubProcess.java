package io.enginex.edge.e2e.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hub ({@code engine serve}) as a separate OS process on the embedded database (or the database
 * given), bound to loopback. It can be killed with SIGKILL and started again on the same data
 * directory and port, as after a crash.
 */
public final class HubProcess implements AutoCloseable {
    private final Path dataDir;
    private final Path logDir;
    private final List<String> extraArgs;
    private int port;
    private int starts;
    private OsProcess process;
    private JsonNode runtime;

    private HubProcess(Path dataDir, Path logDir, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /**
     * Gives a new node's data directory (made owner-only) what every node of a cluster shares with the
     * first (ARCHITECTURE.md, "Several nodes"): its hub secret and platform key, and its certificate when
     * it has one, so that agents trust one pin whichever node they reach.
     */
    public static void shareClusterFiles(Path firstDataDir, Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            List<String> files = new ArrayList<>(List.of("hub.secret", "admin.key"));
            if (Files.exists(firstDataDir.resolve("tls/hub-cert.pem"))) {
                Files.createDirectories(dataDir.resolve("tls"));
                files.addAll(List.of("tls/hub-cert.pem", "tls/hub-key.pem"));
            }
            for (String file : files) {
                Files.copy(
                        firstDataDir.resolve(file),
                        dataDir.resolve(file),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the first node's secrets to " + dataDir, e);
        }
    }

    /**
     * Starts a hub on any free port with a self-signed certificate and, unless {@code extraArgs} name
     * another, a 500 ms heartbeat.
     */
    public static HubProcess start(Path dataDir, Path logDir, String... extraArgs) {
        HubProcess hub = new HubProcess(dataDir, logDir, List.of(extraArgs));
        hub.launch(0);
        return hub;
    }

    private void launch(int requestedPort) {
        List<String> args = new ArrayList<>(List.of(
                "serve",
                "--data-dir",
                dataDir.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(requestedPort)));
        if (!extraArgs.contains("--heartbeat")) {
            // Short, so the tests see dead peers and reconnects within about a second.
            args.addAll(List.of("--heartbeat", "500ms"));
        }
        args.addAll(extraArgs);
        Path runtimeFile = dataDir.resolve("hub.json");
        try {
            Files.deleteIfExists(runtimeFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        starts++;
        process = OsProcess.startJar(
                "hub#" + starts, Jvm.serverJar(), logDir.resolve("hub-" + starts + ".log"), Map.of(), args);
        await("hub writes " + runtimeFile + " (log: " + process.log() + ")")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("hub exited early:\n" + process.tail());
                    }
                    return Files.exists(runtimeFile);
                });
        runtime = Json.read(runtimeFile);
        port = runtime.path("port").asInt();
    }

    /** SIGKILL, as in a crash: no shutdown hook runs. */
    public void kill() {
        process.kill();
    }

    /** Starts the hub again on the same data directory and the same port. */
    public void restart() {
        if (process.isAlive()) {
            process.stop();
        }
        launch(port);
    }

    public int port() {
        return port;
    }

    public String url() {
        return runtime.path("url").asText();
    }

    /**
     * This process itself on loopback ({@code https://127.0.0.1:PORT}, or {@code http://} with {@code
     * --insecure-http}), whatever {@code --public-url} names: {@link #url()} is the public URL, which
     * behind a load balancer is the balancer's.
     */
    public String directUrl() {
        return (runtime.path("tls").asBoolean() ? "https" : "http") + "://127.0.0.1:" + port;
    }

    public String fingerprint() {
        return runtime.path("fingerprint").asText();
    }

    public String adminKey() {
        try {
            return Files.readString(dataDir.resolve("admin.key"), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public OsProcess process() {
        return process;
    }

    /** An API client authenticated with the platform admin key. */
    public HubApi api() {
        return new HubApi(url(), fingerprint(), adminKey());
    }

    /** An API client with the platform admin key that calls this process itself ({@link #directUrl()}). */
    public HubApi directApi() {
        return new HubApi(directUrl(), fingerprint(), adminKey());
    }

    /** Runs an {@code engine …} CLI command against this hub and returns its result. */
    public OsProcess.Completed cli(String... args) {
        return OsProcess.run(Jvm.serverJar(), logDir.resolve("engine-cli.log"), Map.of(), List.of(args));
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop();
        }
    }
}
