package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Several hub nodes ({@code engine serve}) as separate OS processes on one PostgreSQL database,
 * behind a real HAProxy, as docs/DEPLOY.md sets them up: each node has its own data directory and a
 * distinct {@code --node-name} ({@code hub-1}, {@code hub-2}, …), serves plain HTTP on loopback
 * ({@code --insecure-http}; the load balancer is the only way in) and names HAProxy as its {@code
 * --public-url}. The first node starts alone (it migrates the schema and makes the platform admin
 * key); its {@code hub.secret} (idempotency keys and page links are sealed with it) and {@code
 * admin.key} are copied to the others before they start, together, as an operator copies them.
 */
public final class HubCluster implements AutoCloseable {
    private final Map<String, HubProcess> nodes;
    private final Haproxy haproxy;

    private HubCluster(Map<String, HubProcess> nodes, Haproxy haproxy) {
        this.nodes = nodes;
        this.haproxy = haproxy;
    }

    /**
     * Starts {@code count} nodes on {@code dbUrl} (user postgres) with {@code extraArgs} each, then
     * HAProxy in front of them; returns once HAProxy counts every node up.
     */
    public static HubCluster start(Path dir, Path logDir, String dbUrl, int count, String... extraArgs) {
        int proxyPort = freePort();
        Map<String, HubProcess> nodes = new LinkedHashMap<>();
        try {
            nodes.put(name(1), node(dir, logDir, 1, dbUrl, proxyPort, extraArgs));
            HubProcess first = nodes.get(name(1));
            for (int i = 2; i <= count; i++) {
                HubProcess.shareClusterFiles(first.dataDir(), dir.resolve(name(i)));
            }
            try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<HubProcess>> started = new ArrayList<>();
                for (int i = 2; i <= count; i++) {
                    int n = i;
                    started.add(starts.submit(() -> node(dir, logDir, n, dbUrl, proxyPort, extraArgs)));
                }
                ExecutionException failed = null;
                for (int i = 2; i <= count; i++) {
                    try {
                        nodes.put(name(i), started.get(i - 2).get());
                    } catch (ExecutionException e) {
                        failed = failed == null ? e : failed;
                    }
                }
                if (failed != null) {
                    throw failed;
                }
            }
            List<Haproxy.Backend> backends = new ArrayList<>();
            nodes.forEach((name, hub) -> backends.add(new Haproxy.Backend(name, hub.port())));
            return new HubCluster(nodes, Haproxy.start(logDir, proxyPort, "leastconn", backends));
        } catch (ExecutionException e) {
            nodes.values().forEach(HubProcess::close);
            throw new IllegalStateException(
                    "a hub node did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            nodes.values().forEach(HubProcess::close);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            nodes.values().forEach(HubProcess::close);
            throw e;
        }
    }

    private static HubProcess node(Path dir, Path logDir, int n, String dbUrl, int proxyPort, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--node-name",
                name(n),
                "--insecure-http",
                "--public-url",
                "http://127.0.0.1:" + proxyPort,
                "--db-url",
                dbUrl,
                "--db-user",
                "postgres"));
        args.addAll(List.of(extraArgs));
        return HubProcess.start(dir.resolve(name(n)), logDir.resolve(name(n)), args.toArray(String[]::new));
    }

    private static String name(int n) {
        return "hub-" + n;
    }

    /** The nodes by name ({@code hub-1}, …), in start order; a killed node stays in the map. */
    public Map<String, HubProcess> nodes() {
        return nodes;
    }

    public HubProcess node(String name) {
        HubProcess hub = nodes.get(name);
        if (hub == null) {
            throw new IllegalArgumentException("no node " + name + "; the nodes are " + nodes.keySet());
        }
        return hub;
    }

    public Haproxy haproxy() {
        return haproxy;
    }

    /** The platform admin's API through HAProxy (plain HTTP on loopback). */
    public HubApi api() {
        return new HubApi(haproxy.url(), "", nodes.get(name(1)).adminKey());
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
            if (haproxy != null) {
                haproxy.close();
            }
        } finally {
            nodes.values().forEach(HubProcess::close);
        }
    }
}
