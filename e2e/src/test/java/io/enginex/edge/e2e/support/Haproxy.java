package io.enginex.edge.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real HAProxy (the Debian package {@code haproxy}) as a separate OS process on a free loopback
 * port, in front of hub nodes: HTTP mode, WebSockets through {@code timeout tunnel}, health checks on
 * {@code /readyz}, {@code balance leastconn} (the agents' sockets are long-lived, so the node with the
 * fewest gets the next), {@code option redispatch} with retries so that a request or reconnect aimed
 * at a dead node goes to another. It runs in master-worker mode: {@link #reload} rewrites the
 * configuration and sends the master SIGUSR2, as {@code systemctl reload haproxy} does.
 *
 * <p>The configuration is docs/DEPLOY.md's, with test timings: checks every 500 ms, a node down after
 * two failed checks and up again after one good one. The stats socket ({@code show stat}) tells the
 * test which servers HAProxy counts as up.
 */
public final class Haproxy implements AutoCloseable {
    /** One backend server: a hub node's name (HAProxy's server name) and its loopback port. */
    public record Backend(String name, int port) {}

    private final Path dir;
    private final int port;
    private final String balance;
    private List<Backend> backends;
    private int reloads;
    private OsProcess process;

    private Haproxy(Path dir, int port, String balance, List<Backend> backends) {
        this.dir = dir;
        this.port = port;
        this.balance = balance;
        this.backends = List.copyOf(backends);
    }

    /**
     * Starts HAProxy on a free loopback port with {@code balance leastconn} in front of {@code backends}
     * and returns once every one of them passed its health check.
     */
    public static Haproxy start(Path logDir, List<Backend> backends) {
        return start(logDir, freePort(), "leastconn", backends);
    }

    /**
     * Starts HAProxy on {@code port} (so that hubs started before it can already name it as their
     * {@code --public-url}) with {@code balance} ({@code leastconn} or {@code roundrobin}) and returns
     * once every backend passed its health check.
     */
    public static Haproxy start(Path logDir, int port, String balance, List<Backend> backends) {
        Path binary = binary().orElseThrow(
                        () -> new IllegalStateException("haproxy is not installed (looked on the PATH and in"
                                + " /usr/sbin): run scripts/test-prereqs.sh, which installs the Debian package haproxy"
                                + " (or: sudo apt-get install haproxy)"));
        Path dir;
        try {
            // Short and private: the stats socket's path must fit a Unix socket address (108 bytes).
            dir = Files.createTempDirectory("enginex-haproxy-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Haproxy haproxy = new Haproxy(dir, port, balance, backends);
        haproxy.writeConfig();
        haproxy.process = OsProcess.start(
                "haproxy",
                List.of(
                        binary.toString(),
                        "-W", // master-worker: SIGUSR2 to the master reloads
                        "-db", // foreground, logs on stdout
                        "-f",
                        haproxy.config().toString()),
                logDir.resolve("haproxy.log"),
                Map.of());
        haproxy.awaitServersUp(backends.stream().map(Backend::name).toList());
        return haproxy;
    }

    /** The haproxy binary: on the PATH, else in /usr/sbin (not on a non-root user's PATH on Debian). */
    public static Optional<Path> binary() {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, "haproxy"));
            }
        }
        candidates.add(Path.of("/usr/sbin/haproxy"));
        candidates.add(Path.of("/usr/local/sbin/haproxy"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}: what agents register with and clients call. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public OsProcess process() {
        return process;
    }

    /**
     * Rewrites the configuration with {@code newBackends} and reloads it without dropping the listening
     * socket (SIGUSR2 to the master; the old worker finishes its connections); returns once HAProxy
     * lists exactly the new servers and counts each of them up.
     */
    public void reload(List<Backend> newBackends) {
        backends = List.copyOf(newBackends);
        reloads++;
        writeConfig();
        Signals.send("-USR2", process.pid());
        awaitServersUp(backends.stream().map(Backend::name).toList());
    }

    /**
     * Each backend server's status as HAProxy's {@code show stat} says it: {@code UP}, {@code DOWN},
     * {@code MAINT}, or a transition such as {@code UP 1/2}; in configuration order.
     */
    public Map<String, String> serverStatus() {
        Map<String, String> status = new LinkedHashMap<>();
        for (Map<String, String> row : stat()) {
            String name = row.get("svname");
            if ("nodes".equals(row.get("pxname"))
                    && name != null
                    && !name.equals("BACKEND")
                    && !name.equals("FRONTEND")) {
                status.put(name, row.get("status"));
            }
        }
        return status;
    }

    /** {@code show stat}: one map of column name to value per proxy, server, frontend and backend. */
    private List<Map<String, String>> stat() {
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> header = List.of();
        for (String line : command("show stat").split("\n")) {
            if (line.startsWith("# ")) {
                header = List.of(line.substring(2).split(",", -1));
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(header.size(), fields.length); i++) {
                row.put(header.get(i), fields[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The connections HAProxy has open to {@code server} now ({@code scur} of {@code show stat}): the
     * agents' sockets on it and the requests it is serving.
     */
    public int currentSessions(String server) {
        for (Map<String, String> row : stat()) {
            if ("nodes".equals(row.get("pxname")) && server.equals(row.get("svname"))) {
                return Integer.parseInt(row.get("scur"));
            }
        }
        throw new IllegalArgumentException(
                "haproxy has no server " + server + "; it has " + serverStatus().keySet());
    }

    /**
     * How many times HAProxy sent a request again because its server failed: retries ({@code wretr})
     * plus redispatches to another server ({@code wredis}) of the backend.
     */
    public int retriesAndRedispatches() {
        for (Map<String, String> row : stat()) {
            if ("nodes".equals(row.get("pxname")) && "BACKEND".equals(row.get("svname"))) {
                return count(row.get("wretr")) + count(row.get("wredis"));
            }
        }
        throw new IllegalStateException("haproxy's show stat has no BACKEND row for nodes");
    }

    private static int count(String field) {
        return field == null || field.isEmpty() ? 0 : Integer.parseInt(field);
    }

    /** Waits until HAProxy lists exactly {@code names} as its servers and counts every one of them up. */
    public void awaitServersUp(List<String> names) {
        awaitServers("servers " + names + " up", names, names);
    }

    /** Waits until HAProxy counts exactly {@code up} of its servers up (after a node died, say). */
    public void awaitOnlyUp(List<String> up) {
        awaitServers("only " + up + " up", backends.stream().map(Backend::name).toList(), up);
    }

    private void awaitServers(String what, List<String> names, List<String> up) {
        try {
            await("haproxy counts " + what + " (log: " + process.log() + ")")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreException(UncheckedIOException.class) // the stats socket is not there yet
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("haproxy exited:\n" + process.tail());
                        }
                        Map<String, String> status = serverStatus();
                        return status.keySet().equals(new HashSet<>(names))
                                && status.entrySet().stream()
                                        .allMatch(e -> e.getValue().equals("UP") == up.contains(e.getKey()));
                    });
        } catch (ConditionTimeoutException e) {
            String last;
            try {
                last = serverStatus().toString();
            } catch (UncheckedIOException unreadable) {
                last = "stats socket unreadable: " + unreadable.getMessage();
            }
            throw new AssertionError(
                    e.getMessage() + "; last status " + last + "\nhaproxy's output ends with:\n" + process.tail());
        }
    }

    /** One command on the stats socket (the runtime API) and its whole answer. */
    public String command(String command) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket()));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            StringBuilder answer = new StringBuilder();
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                answer.append(StandardCharsets.UTF_8.decode(buffer));
                buffer.clear();
            }
            return answer.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("haproxy's stats socket " + socket() + ": " + e.getMessage(), e);
        }
    }

    private Path config() {
        return dir.resolve("haproxy.cfg");
    }

    private Path socket() {
        return dir.resolve("admin.sock");
    }

    private void writeConfig() {
        StringBuilder servers = new StringBuilder();
        for (Backend b : backends) {
            servers.append("    server ")
                    .append(b.name())
                    .append(" 127.0.0.1:")
                    .append(b.port())
                    .append(" check\n");
        }
        String text = """
                # Written by the end-to-end tests' Haproxy fixture (reload %d); see docs/DEPLOY.md.
                global
                    log stdout format raw local0 info
                    maxconn 4096
                    stats socket %s mode 600 level admin
                    # A reload lets the old worker finish its connections (WebSockets) for at most this long.
                    hard-stop-after 30s

                defaults
                    mode http
                    log global
                    option httplog
                    option dontlognull
                    # A request or reconnect aimed at a node that refuses goes to another node.
                    option redispatch
                    retries 3
                    timeout connect 2s
                    # Longer than an API long poll (wait=30 s and more) and than twice the agents' heartbeat.
                    timeout client 90s
                    timeout server 90s
                    timeout http-request 10s
                    timeout http-keep-alive 10s
                    timeout queue 10s
                    # An upgraded connection (the agents' WebSocket) is a tunnel: idle up to this long.
                    timeout tunnel 1h
                    timeout client-fin 5s
                    # /readyz answers within 2 s (503 when the database does not): a slower answer is a stall of
                    # the machine, not a verdict. With the default (inter, 500 ms here) a loaded test machine
                    # marked all three nodes down at once.
                    timeout check 3s
                    # Test timings: a node is down after two failed checks 500 ms apart, up after one good one.
                    default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 1

                frontend hub
                    bind 127.0.0.1:%d
                    default_backend nodes

                backend nodes
                    balance %s
                    option httpchk
                    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
                    http-check expect status 200
                %s""".formatted(reloads, socket(), port, balance, servers);
        try {
            Files.writeString(config(), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (process != null) {
                process.stop(); // SIGTERM to the master: it stops its workers and exits
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
