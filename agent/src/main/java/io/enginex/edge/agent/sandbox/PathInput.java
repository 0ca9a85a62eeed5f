package io.enginex.edge.agent.sandbox;

import io.enginex.edge.protocol.ErrorCodes;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a path string from the hub before it becomes a {@link java.nio.file.Path}, on every
 * operating system alike: a name that is dangerous on Windows is refused on Linux too, so a policy
 * means the same everywhere and a share copied to Windows cannot turn a harmless name into a device.
 *
 * <p>Refused: empty segments beyond a leading slash aside, NUL and other control characters;
 * backslashes (UNC {@code \\server\share}, {@code \\?\} and {@code \\.\} device paths, and Windows
 * separators, which POSIX treats as name characters); {@code //} prefixes; a colon anywhere (drive
 * letters, NTFS alternate data streams {@code file:stream}); DOS device names as any segment, with
 * or without an extension ({@code CON}, {@code nul.txt}, {@code COM1}, {@code LPT9}, {@code
 * CONIN$}); 8.3 short names ({@code PROGRA~1}); segments ending in a dot or a space (Windows drops
 * them, so {@code secret.txt.} would be {@code secret.txt}); paths over {@link #MAX_CHARS} characters
 * or a segment over {@link #MAX_SEGMENT} characters.
 */
public final class PathInput {
    /** Longest path accepted, in characters. */
    public static final int MAX_CHARS = 4096;

    /** Longest single name accepted, in characters. */
    public static final int MAX_SEGMENT = 255;

    private static final Set<String> DEVICES = Set.of(
            "con", "prn", "aux", "nul", "conin$", "conout$", "clock$", "com0", "com1", "com2", "com3", "com4", "com5",
            "com6", "com7", "com8", "com9", "com¹", "com²", "com³", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5",
            "lpt6", "lpt7", "lpt8", "lpt9", "lpt¹", "lpt²", "lpt³");

    private static final Pattern SHORT_NAME = Pattern.compile("[^~]{1,6}~[0-9]+(\\.[^.]{0,3})?");

    private PathInput() {}

    /**
     * @throws SandboxException {@code invalid_arguments} naming what is wrong
     */
    public static void check(String given) {
        if (given == null) {
            throw invalid("path is required");
        }
        if (given.length() > MAX_CHARS) {
            throw invalid("path is longer than " + MAX_CHARS + " characters");
        }
        for (int i = 0; i < given.length(); i++) {
            char c = given.charAt(i);
            if (c == '\0') {
                throw invalid("path " + FileRoot.quote(given) + " contains a NUL byte");
            }
            if (c < 0x20 || c == 0x7F) {
                throw invalid("path " + FileRoot.quote(given) + " contains a control character");
            }
            if (c == '\\') {
                throw invalid("path " + FileRoot.quote(given)
                        + " contains a backslash; use / as the separator (UNC and Windows device paths are refused)");
            }
            if (c == ':') {
                throw invalid("path " + FileRoot.quote(given)
                        + " contains a colon (drive letters and alternate data streams are refused); use a path"
                        + " relative to the shared folder");
            }
        }
        if (given.startsWith("//")) {
            throw invalid("path " + FileRoot.quote(given) + " starts with // (a network path)");
        }
        for (String segment : given.split("/", -1)) {
            checkSegment(given, segment);
        }
    }

    private static void checkSegment(String given, String segment) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            return;
        }
        if (segment.length() > MAX_SEGMENT) {
            throw invalid("a name in " + FileRoot.quote(given) + " is longer than " + MAX_SEGMENT + " characters");
        }
        if (segment.endsWith(".") || segment.endsWith(" ")) {
            throw invalid("the name \"" + segment + "\" in " + FileRoot.quote(given)
                    + " ends with a dot or a space, which Windows silently drops; remove it");
        }
        String lower = segment.toLowerCase(Locale.ROOT);
        int dot = lower.indexOf('.');
        String stem = (dot < 0 ? lower : lower.substring(0, dot)).stripTrailing();
        if (DEVICES.contains(stem)) {
            throw invalid("the name \"" + segment + "\" in " + FileRoot.quote(given) + " is a Windows device name");
        }
        if (SHORT_NAME.matcher(segment).matches()) {
            throw invalid("the name \"" + segment + "\" in " + FileRoot.quote(given)
                    + " looks like a Windows 8.3 short name; use the long name");
        }
    }

    private static SandboxException invalid(String message) {
        return new SandboxException(ErrorCodes.INVALID_ARGUMENTS, message);
    }
}
