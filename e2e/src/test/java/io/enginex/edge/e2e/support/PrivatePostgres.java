package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl from the machine's PostgreSQL install) in
 * a temporary directory on a free loopback port, so a test can restart or freeze the database
 * without touching the shared server on 5432. As root (CI), the cluster runs as the {@code postgres}
 * user, since PostgreSQL refuses to run as root.
 */
public final class PrivatePostgres implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * The directory holding {@code initdb} and {@code pg_ctl}: {@code pg_config --bindir}, else the
     * newest {@code /usr/lib/postgresql/N/bin}; empty when PostgreSQL is not installed.
     */
    public static Optional<Path> binaries() {
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.isExecutable(Path.of(out, "initdb"))) {
                return Optional.of(Path.of(out));
            }
        } catch (IOException e) {
            // no pg_config on the PATH; look where Debian puts it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(debian)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debian)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(
                            b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Makes and starts a cluster with trust authentication for user {@code postgres}. */
    public static PrivatePostgres start(Path bin) {
        try {
            Path dir = Files.createTempDirectory("enginex-pg-");
            boolean root = "root".equals(System.getProperty("user.name"));
            PrivatePostgres pg = new PrivatePostgres(bin, dir, freePort(), root);
            if (root) {
                run(List.of("chown", "-R", "postgres:", dir.toString()));
            }
            pg.as(List.of(
                    bin.resolve("initdb").toString(),
                    "-D",
                    pg.data().toString(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8"));
            pg.pgCtl("start");
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of its {@code postgres} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** {@code pg_ctl restart -m fast}: every connection is cut, the server is back when this returns. */
    public void restart() {
        pgCtl("restart", "-m", "fast");
    }

    /** Freezes the server and all its backends (SIGSTOP): connections stay open and nothing answers. */
    public void freeze() {
        processes().forEach(Signals::stop);
    }

    /** Lets a frozen server go on (SIGCONT). */
    public void thaw() {
        processes().forEach(Signals::resume);
    }

    @Override
    public void close() {
        try {
            thaw();
            pgCtl("stop", "-m", "immediate");
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory; the system cleans it eventually
            }
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private List<Long> processes() {
        try {
            long postmaster = Long.parseLong(
                    Files.readAllLines(data().resolve("postmaster.pid")).get(0).strip());
            List<Long> pids = new ArrayList<>();
            pids.add(postmaster);
            ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
            return pids;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private void pgCtl(String action, String... more) {
        List<String> command = new ArrayList<>(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data().toString(),
                "-l",
                dir.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"));
        command.add(action);
        command.addAll(List.of(more));
        as(command);
    }

    private void as(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
