package io.enginex.edge.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used, from Linux's {@code /proc/<pid>/stat} ({@code utime + stime}, in clock
 * ticks of 1/100 s, the value of {@code getconf CLK_TCK} on Linux for x86 and arm).
 */
public final class ProcCpu {
    static final double TICKS_PER_SECOND = 100.0;

    private ProcCpu() {}

    /** User plus system CPU seconds used so far by {@code pid}. */
    public static double seconds(long pid) {
        try {
            return parseSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("CPU time is read from /proc (Linux only)", e);
        }
    }

    /**
     * Parses a {@code stat} line. The command name (field 2) is in parentheses and may hold spaces, so
     * fields are counted after its closing parenthesis: there {@code utime} and {@code stime} are the
     * 12th and 13th.
     */
    static double parseSeconds(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long utime = Long.parseLong(after[11]);
        long stime = Long.parseLong(after[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }
}
