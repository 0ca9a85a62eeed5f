package io.enginex.edge.server.testing;

import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.PinnedTrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * A real load balancer (Debian's {@code haproxy} or {@code nginx}) as an OS process in front of an
 * in-JVM hub, for the tests of docs/DEPLOY.md's configurations. It runs in the foreground with its
 * output in a log file; {@link #close} stops it (SIGTERM, then SIGKILL) and waits for it.
 */
public final class Balancer implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private Balancer(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * An HTTPS client that connects from {@code address} (a loopback address, so the balancer sees a
     * client of its own) and trusts only {@code hub}'s certificate, which the balancer serves or passes
     * through.
     */
    public static HttpClient clientFrom(String address, TestHub hub) {
        try {
            SSLContext pinned = SSLContext.getInstance("TLS");
            pinned.init(
                    null, new TrustManager[] {new PinnedTrustManager(hub.hub().fingerprint())}, null);
            return HttpClient.newBuilder()
                    .sslContext(pinned)
                    .localAddress(InetAddress.getByName(address))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a client from " + address, e);
        }
    }

    /**
     * Starts {@code command} (its first element a binary found by {@link #binary}) and returns once
     * {@code ready} holds, failing with the balancer's output if it exits first or is not ready in 30 s.
     */
    public static Balancer start(String name, List<String> command, Path log, BooleanSupplier ready) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
        Balancer balancer = new Balancer(name, process, log);
        try {
            await(name + " ready (log: " + log + ")")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast(name + " exited", () -> !process.isAlive())
                    .until(ready::getAsBoolean);
        } catch (RuntimeException | AssertionError e) {
            balancer.close();
            throw new AssertionError(e.getMessage() + "\n" + name + "'s output:\n" + balancer.output(), e);
        }
        return balancer;
    }

    /**
     * The binary of a Debian package's server: on the PATH, else in /usr/sbin (not on a non-root user's
     * PATH on Debian).
     *
     * @throws IllegalStateException naming the package to install, when it is not there
     */
    public static Path binary(String binary, String debianPackage) {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, binary));
            }
        }
        candidates.add(Path.of("/usr/sbin", binary));
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(binary + " is not installed (looked on the PATH and in"
                        + " /usr/sbin): run scripts/test-prereqs.sh, which installs the Debian package " + debianPackage
                        + " (or: sudo apt-get install " + debianPackage + ")"));
    }

    /** A free TCP port on 127.0.0.1, for the balancer to listen on. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the balancer wrote so far (its log), for failure messages. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
