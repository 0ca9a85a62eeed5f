package io.enginex.edge.server.testing;

import io.enginex.edge.server.Hub;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.store.DatabaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Hub nodes in this JVM sharing one PostgreSQL database (127.0.0.1:5432, user postgres, as CI starts
 * it) made for the test and dropped by {@link #close}. Every node after the first gets the first
 * node's hub secret and platform key, as an operator copies them. Nodes sweep for lost signals only
 * once an hour, so a job that reaches another node's agent got there by its notification.
 */
public final class TestCluster implements AutoCloseable {

    private final Path dir;
    private final String database =
            TestHub.randomId("cluster_it").replace('-', '_').toLowerCase(Locale.ROOT);
    private final List<TestHub> nodes = new ArrayList<>();

    public TestCluster(Path dir) {
        this.dir = dir;
        ScratchPostgres.admin("CREATE DATABASE " + database);
    }

    public DatabaseConfig database() {
        return DatabaseConfig.of(ScratchPostgres.SERVER + database, "postgres", "");
    }

    /** Starts node {@code name} with the cluster's secret (the first node makes it). */
    public TestHub start(String name) {
        return start(name, b -> {});
    }

    public TestHub start(String name, Consumer<HubConfig.Builder> customize) {
        return start(name, customize, Clock.systemUTC());
    }

    /** Starts node {@code name} on {@code clock} (nodes may share one, e.g. a clock that stands still). */
    public TestHub start(String name, Consumer<HubConfig.Builder> customize, Clock clock) {
        Path data = dataDir(name);
        TestHub hub = TestHub.start(
                data,
                b -> {
                    b.database(database()).nodeName(name).clusterSweep(Duration.ofHours(1));
                    customize.accept(b);
                },
                clock);
        nodes.add(hub);
        return hub;
    }

    /** The data directory of node {@code name}, holding the first node's secret and key once there is one. */
    public Path dataDir(String name) {
        Path data = dir.resolve(name);
        try {
            Files.createDirectories(data);
            if (!nodes.isEmpty()) {
                Path first = nodes.getFirst().hub().config().dataDir();
                for (String file : List.of("hub.secret", Hub.ADMIN_KEY_FILE)) {
                    if (!Files.exists(data.resolve(file))) {
                        Files.copy(first.resolve(file), data.resolve(file));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return data;
    }

    @Override
    public void close() {
        try {
            nodes.forEach(TestHub::close);
        } finally {
            ScratchPostgres.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
