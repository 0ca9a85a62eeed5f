package io.enginex.edge.agent.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Windows applications of a user: the Start menu's shortcuts ({@code *.lnk}, in sub-folders too)
 * under {@code %APPDATA%\Microsoft\Windows\Start Menu\Programs} (the user's) and then {@code
 * %ProgramData%\Microsoft\Windows\Start Menu\Programs} (everyone's). An id is the shortcut's path below
 * {@code Programs} with {@code /} between folders and without {@code .lnk}, e.g. {@code
 * Accessories/Notepad}; its name is the file name without {@code .lnk}. The first folder that has an id
 * wins. The shortcut's target is not read: the id names the entry a person sees in the Start menu.
 */
public final class StartMenuShortcuts {
    /** At most this many shortcuts are read (a folder full of files must not exhaust the session part). */
    static final int MAX_ENTRIES = 5000;

    private static final int MAX_DEPTH = 8;

    private static final String SUFFIX = ".lnk";

    private StartMenuShortcuts() {}

    /** The Start menu folders for {@code env} and {@code home}, the user's first. */
    public static List<Path> folders(Map<String, String> env, Path home) {
        Path appData = env.containsKey("APPDATA")
                ? Path.of(env.get("APPDATA"))
                : home.resolve("AppData").resolve("Roaming");
        Path programData = Path.of(env.getOrDefault("ProgramData", "C:\\ProgramData"));
        return List.of(programs(appData), programs(programData));
    }

    private static Path programs(Path base) {
        return base.resolve("Microsoft")
                .resolve("Windows")
                .resolve("Start Menu")
                .resolve("Programs");
    }

    /** The shortcuts under {@code folders}, sorted by id. */
    public static List<DesktopPlatform.App> scan(List<Path> folders) {
        Map<String, DesktopPlatform.App> byId = new TreeMap<>();
        int seen = 0;
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> links;
            try (Stream<Path> walk = Files.walk(folder, MAX_DEPTH)) {
                links = walk.filter(p -> p.getFileName()
                                .toString()
                                .toLowerCase(Locale.ROOT)
                                .endsWith(SUFFIX))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .limit(MAX_ENTRIES)
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                continue;
            }
            for (Path link : links) {
                if (++seen > MAX_ENTRIES) {
                    return List.copyOf(byId.values());
                }
                StringJoiner relative = new StringJoiner("/");
                folder.relativize(link).forEach(name -> relative.add(name.toString()));
                String id = relative.toString().substring(0, relative.length() - SUFFIX.length());
                String file = link.getFileName().toString();
                byId.putIfAbsent(
                        id,
                        new DesktopPlatform.App(id, file.substring(0, file.length() - SUFFIX.length()), false, link));
            }
        }
        return List.copyOf(byId.values());
    }
}
