package io.enginex.edge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of a process, from Linux's /proc. */
public final class Rss {
    private Rss() {}

    public static long kilobytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS for pid " + pid);
        } catch (IOException e) {
            throw new UncheckedIOException("RSS is read from /proc (Linux only)", e);
        }
    }
}
