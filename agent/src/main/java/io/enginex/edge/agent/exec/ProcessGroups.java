package io.enginex.edge.agent.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How this OS starts a command so that its whole process tree can be ended later, even one the agent
 * finds again after it was killed. Pick one with {@link #forThisMachine()}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface ProcessGroups {
    /** The argument vector to start for {@code command} (e.g. with {@code setsid} in front). */
    List<String> argv(List<String> command);

    /** Takes charge of the tree of {@code process}, started from {@link #argv}. */
    ProcessTree attach(Process process);

    /**
     * Ends what is left of a tree an earlier agent process started and recorded as {@code id} and
     * {@code startedAt} (see {@link ProcessTree}), but only when it is still that tree: a pid reused
     * by another process is left alone.
     *
     * @return how many processes were found and ended (0 when the tree was gone already)
     */
    int endOrphan(long id, Instant startedAt, Duration grace);

    /**
     * Linux with {@code setsid}: a process group per command. Windows: a Job Object per command.
     * Elsewhere (macOS): the child's descendants, which misses processes that detached themselves.
     */
    static ProcessGroups forThisMachine() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return new WindowsJobObjects();
        }
        if (os.contains("linux") && Files.isDirectory(Path.of("/proc/self"))) {
            for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
                if (Files.isExecutable(Path.of(setsid))) {
                    return new LinuxProcessGroups(setsid, Path.of("/proc"), PosixSignals.forThisMachine());
                }
            }
        }
        return new DescendantTrees();
    }
}
