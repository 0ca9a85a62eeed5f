package io.enginex.edge.agent.desktop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The applications installed for a user, from the {@code .desktop} files of the XDG data folders
 * (Desktop Entry Specification): {@code $XDG_DATA_HOME/applications} (default
 * {@code ~/.local/share}) first, then each of {@code $XDG_DATA_DIRS} (default
 * {@code /usr/local/share:/usr/share}). An id is the file's path below {@code applications} with
 * {@code /} turned into {@code -} and without {@code .desktop}; the first folder that has an id wins.
 * Hidden entries and those of a type other than Application are left out.
 */
public final class DesktopEntries {
    /** At most this many entries are read (a folder full of files must not exhaust the session part). */
    static final int MAX_ENTRIES = 5000;

    private static final long MAX_FILE_BYTES = 64 * 1024;

    /** One application. */
    public record Entry(String id, String name, boolean noDisplay, Path file) {}

    private DesktopEntries() {}

    /** The XDG data folders for {@code env} and {@code home}, in the order they are searched. */
    public static List<Path> dataDirs(Map<String, String> env, Path home) {
        List<Path> dirs = new ArrayList<>();
        String dataHome = env.getOrDefault("XDG_DATA_HOME", "");
        dirs.add(dataHome.startsWith("/") ? Path.of(dataHome) : home.resolve(".local/share"));
        String dataDirs = env.getOrDefault("XDG_DATA_DIRS", "");
        for (String dir : (dataDirs.isBlank() ? "/usr/local/share:/usr/share" : dataDirs).split(":")) {
            if (dir.startsWith("/")) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs;
    }

    /** The applications found under {@code dataDirs}, sorted by id. */
    public static List<Entry> scan(List<Path> dataDirs) {
        Map<String, Entry> byId = new TreeMap<>();
        int seen = 0;
        for (Path dir : dataDirs) {
            Path apps = dir.resolve("applications");
            if (!Files.isDirectory(apps)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(apps, 4)) {
                files = walk.filter(p -> p.getFileName().toString().endsWith(".desktop"))
                        .filter(Files::isRegularFile)
                        .limit(MAX_ENTRIES)
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                continue;
            }
            for (Path file : files) {
                if (++seen > MAX_ENTRIES) {
                    return List.copyOf(byId.values());
                }
                String relative = apps.relativize(file).toString();
                String id = relative.substring(0, relative.length() - ".desktop".length())
                        .replace('/', '-');
                if (byId.containsKey(id)) {
                    continue;
                }
                parse(id, file).ifPresent(e -> byId.put(id, e));
            }
        }
        return List.copyOf(byId.values());
    }

    static java.util.Optional<Entry> parse(String id, Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return java.util.Optional.empty();
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return java.util.Optional.empty();
        }
        boolean inMain = false;
        String name = null;
        String type = null;
        boolean hidden = false;
        boolean noDisplay = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                inMain = line.equals("[Desktop Entry]");
                continue;
            }
            int eq = line.indexOf('=');
            if (!inMain || line.startsWith("#") || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "Name" -> name = value;
                case "Type" -> type = value;
                case "Hidden" -> hidden = value.equals("true");
                case "NoDisplay" -> noDisplay = value.equals("true");
                default -> {}
            }
        }
        if (hidden || !"Application".equals(type) || name == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Entry(id, name, noDisplay, file));
    }
}
