package io.enginex.edge.agent.desktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * A shell script standing in for a system helper ({@code osascript}, {@code powershell.exe}, {@code
 * open}) in a unit test of one class, so that a real process is started with the argv and environment
 * the class builds: it records its arguments and the {@code ENGINEX_*} variables it was given, prints
 * what {@link #reply} set and exits with its code, or waits until it is destroyed after {@link
 * #hang}. It does not show anything: what the real helper does with these arguments can only be seen
 * on that system.
 */
final class RecordingHelper {
    /** The variables recorded, in this order. */
    static final List<String> VARIABLES =
            List.of("ENGINEX_TARGET", "ENGINEX_SUMMARY", "ENGINEX_BODY", "ENGINEX_QUESTION", "ENGINEX_SECONDS");

    private final Path dir;
    private final String name;

    private RecordingHelper(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Writes the script {@code dir/name}. */
    static RecordingHelper in(Path dir, String name) throws IOException {
        RecordingHelper helper = new RecordingHelper(dir, name);
        StringBuilder vars = new StringBuilder();
        for (String variable : VARIABLES) {
            vars.append(" \"$").append(variable).append('"');
        }
        Path script = dir.resolve(name);
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "for a in \"$@\"; do printf '%s\\0' \"$a\"; done > '" + helper.file("args") + "'\n"
                        + "printf '%s\\0'" + vars + " > '" + helper.file("env") + "'\n"
                        + "[ -e '" + helper.file("hang") + "' ] && exec sleep 120\n"
                        + "[ -e '" + helper.file("out") + "' ] && cat '" + helper.file("out") + "'\n"
                        + "[ -e '" + helper.file("exit") + "' ] && exit $(cat '" + helper.file("exit") + "')\n"
                        + "exit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return helper;
    }

    /** The next runs print {@code output} and exit with {@code exitCode}. */
    void reply(String output, int exitCode) throws IOException {
        Files.writeString(file("out"), output);
        Files.writeString(file("exit"), Integer.toString(exitCode));
    }

    /** The next runs wait until destroyed, like a dialog nobody answers. */
    void hang() throws IOException {
        Files.writeString(file("hang"), "");
    }

    boolean ran() {
        return Files.exists(file("args"));
    }

    /** The last run's arguments, without the program. */
    List<String> args() throws IOException {
        return split(file("args"));
    }

    /** The last run's {@link #VARIABLES}, empty where unset. */
    List<String> env() throws IOException {
        return split(file("env"));
    }

    private static List<String> split(Path file) throws IOException {
        String all = Files.readString(file, StandardCharsets.UTF_8);
        return all.isEmpty()
                ? List.of()
                : Arrays.asList(all.substring(0, all.length() - 1).split("\0", -1));
    }

    private Path file(String what) {
        return dir.resolve(name + "." + what);
    }
}
