package io.enginex.edge.agent.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Linux: each command starts under {@code setsid}, so it leads a new session and process group whose
 * id is its pid, and everything it forks stays in that group unless it leaves on purpose (another
 * {@code setsid}). Ending the tree signals the group (SIGTERM, grace, SIGKILL) and watches {@code
 * /proc} until no process of the group is left; zombies count as gone.
 *
 * <p>Immutable and thread-safe.
 */
final class LinuxProcessGroups implements ProcessGroups {
    /** Two start times closer than this are the same process (they come from the same clock ticks). */
    private static final Duration SAME_START = Duration.ofSeconds(1);

    private static final Duration LAST_WAIT = Duration.ofSeconds(5);

    private final String setsid;
    private final Path proc;
    private final PosixSignals signals;

    /**
     * @param setsid the {@code setsid} program of util-linux
     * @param proc the proc file system, {@code /proc}
     */
    LinuxProcessGroups(String setsid, Path proc, PosixSignals signals) {
        this.setsid = setsid;
        this.proc = proc;
        this.signals = signals;
    }

    @Override
    public List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>(command.size() + 2);
        argv.add(setsid);
        // setsid forks only when it leads a group already (never as the agent's child); --wait keeps
        // the exit code right even then.
        argv.add("--wait");
        argv.addAll(command);
        return argv;
    }

    @Override
    public ProcessTree attach(Process process) {
        Instant started = process.info().startInstant().orElseGet(Instant::now);
        return new Group(process.pid(), started, Optional.of(process.toHandle()));
    }

    @Override
    public int endOrphan(long pgid, Instant startedAt, Duration grace) {
        Optional<ProcessHandle> leader = ProcessHandle.of(pgid);
        if (leader.isPresent()
                && leader.get().isAlive()
                && !sameStart(leader.get().info().startInstant(), startedAt)) {
            // The kernel keeps a group's id from being reused as a pid while the group exists: a
            // different process under that pid means the recorded group is gone.
            return 0;
        }
        List<Long> members = members(pgid);
        if (members.isEmpty()) {
            return 0;
        }
        new Group(pgid, startedAt, Optional.empty()).end(grace);
        return members.size();
    }

    /** Pids of the live (not zombie) processes whose process group is {@code pgid}. */
    List<Long> members(long pgid) {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path entry : entries) {
                stat(entry.resolve("stat"))
                        .filter(s -> s.pgrp() == pgid && s.live())
                        .ifPresent(s ->
                                members.add(Long.parseLong(entry.getFileName().toString())));
            }
        } catch (IOException e) {
            throw new CommandException(
                    io.enginex.edge.protocol.ErrorCodes.INTERNAL,
                    "cannot list processes in " + proc + " to end process group " + pgid + " (" + e.getMessage() + ")");
        }
        return members;
    }

    /**
     * Parses {@code /proc/<pid>/stat}: {@code pid (comm) state ppid pgrp …}; comm may hold spaces and
     * parentheses, so the fields are read after the last {@code )}.
     */
    static Optional<Stat> parseStat(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = line.substring(close + 1).trim().split(" ");
        if (fields.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Stat> stat(Path file) {
        try {
            return parseStat(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty(); // the process ended while the folder was read
        }
    }

    private static boolean sameStart(Optional<Instant> actual, Instant recorded) {
        return actual.map(a -> Duration.between(a, recorded).abs().compareTo(SAME_START) < 0)
                .orElse(false);
    }

    /** One line of {@code /proc/<pid>/stat}, as far as needed. */
    record Stat(char state, long pgrp) {
        /** Zombies and dead tasks have ended; only their parent's wait is missing. */
        boolean live() {
            return state != 'Z' && state != 'X' && state != 'x';
        }
    }

    /** A process group; {@code child} is its leader when this process started it. */
    private final class Group implements ProcessTree {
        private final long pgid;
        private final Instant startedAt;
        private final Optional<ProcessHandle> child;

        Group(long pgid, Instant startedAt, Optional<ProcessHandle> child) {
            this.pgid = pgid;
            this.startedAt = startedAt;
            this.child = child;
        }

        @Override
        public long id() {
            return pgid;
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public boolean contained() {
            return true;
        }

        @Override
        public boolean end(Duration grace) {
            boolean interrupted = Thread.interrupted();
            try {
                if (gone()) {
                    return true;
                }
                signal(PosixSignals.SIGTERM);
                if (!interrupted && Waits.until(this::gone, grace, () -> signalStragglers(PosixSignals.SIGTERM))) {
                    return true;
                }
                interrupted |= Thread.interrupted();
                signal(PosixSignals.SIGKILL);
                return Waits.until(this::gone, LAST_WAIT, () -> signal(PosixSignals.SIGKILL));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private boolean gone() {
            return child.map(c -> !c.isAlive()).orElse(true) && members(pgid).isEmpty();
        }

        private void signal(int signal) {
            // Before the child's setsid ran, the group does not exist yet: signal the child itself.
            child.filter(ProcessHandle::isAlive).ifPresent(c -> signals.process(c.pid(), signal));
            if (!signals.group(pgid, signal)) {
                members(pgid).forEach(pid -> signals.process(pid, signal));
            }
        }

        private void signalStragglers(int signal) {
            // A process that joined between the group signal and now (member-by-member fallback only).
            if (!signals.group(pgid, 0)) {
                members(pgid).forEach(pid -> signals.process(pid, signal));
            }
        }
    }
}
