package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Linux {@code /proc}: which process group a process is in, and which live processes a group has. */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /** The process group of {@code pid}, or empty when it is gone. */
    public static OptionalLong groupOf(long pid) {
        return stat(PROC.resolve(Long.toString(pid)).resolve("stat"))
                .map(fields -> OptionalLong.of(Long.parseLong(fields[2])))
                .orElse(OptionalLong.empty());
    }

    /** Pids of the processes of group {@code pgid} that have not ended (zombies count as ended). */
    public static List<Long> liveMembers(long pgid) {
        List<Long> members = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                stat(entry.resolve("stat"))
                        .filter(f -> Long.parseLong(f[2]) == pgid && !f[0].equals("Z") && !f[0].equals("X"))
                        .ifPresent(f ->
                                members.add(Long.parseLong(entry.getFileName().toString())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return members;
    }

    /** The fields after {@code (comm)}: state, ppid, pgrp, … */
    private static java.util.Optional<String[]> stat(Path file) {
        try {
            String line = Files.readString(file);
            return java.util.Optional.of(
                    line.substring(line.lastIndexOf(')') + 2).split(" "));
        } catch (IOException e) {
            return java.util.Optional.empty(); // the process is gone
        }
    }
}
