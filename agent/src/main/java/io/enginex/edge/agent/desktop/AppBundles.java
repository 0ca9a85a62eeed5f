package io.enginex.edge.agent.desktop;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The macOS applications of a user: the {@code .app} bundles directly in {@code ~/Applications},
 * {@code /Applications}, {@code /System/Applications} and each one's {@code Utilities} folder. A bundle's
 * id is its {@code CFBundleIdentifier}, its name {@code CFBundleDisplayName}, else {@code CFBundleName},
 * else the bundle's file name, all from {@code Contents/Info.plist} (XML or binary, read with dd-plist,
 * whose XML parser resolves no external entity). The first folder that has an id wins; a bundle without
 * an identifier or a readable Info.plist is left out. {@code LSBackgroundOnly} bundles are hidden.
 */
public final class AppBundles {
    /** At most this many bundles are read (a folder full of them must not exhaust the session part). */
    static final int MAX_ENTRIES = 5000;

    /** Info.plist files are a few KB; larger ones are not read. */
    static final int MAX_PLIST_BYTES = 1024 * 1024;

    private AppBundles() {}

    /** The folders searched for {@code home}, in order: the user's first, then the system's. */
    public static List<Path> folders(Path home) {
        return List.of(
                home.resolve("Applications"),
                home.resolve("Applications/Utilities"),
                Path.of("/Applications"),
                Path.of("/Applications/Utilities"),
                Path.of("/System/Applications"),
                Path.of("/System/Applications/Utilities"));
    }

    /** The bundles directly in {@code folders}, sorted by id. */
    public static List<DesktopPlatform.App> scan(List<Path> folders) {
        Map<String, DesktopPlatform.App> byId = new TreeMap<>();
        int seen = 0;
        for (Path folder : folders) {
            List<Path> bundles;
            try (Stream<Path> list = Files.list(folder)) {
                bundles = list.filter(p -> p.getFileName().toString().endsWith(".app"))
                        .filter(Files::isDirectory)
                        .sorted()
                        .limit(MAX_ENTRIES)
                        .toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                continue;
            }
            for (Path bundle : bundles) {
                if (++seen > MAX_ENTRIES) {
                    return List.copyOf(byId.values());
                }
                read(bundle).ifPresent(app -> byId.putIfAbsent(app.id(), app));
            }
        }
        return List.copyOf(byId.values());
    }

    /** The application of {@code bundle}, or empty if its Info.plist is missing, unreadable or has no id. */
    static Optional<DesktopPlatform.App> read(Path bundle) {
        NSObject root;
        try (InputStream in = Files.newInputStream(bundle.resolve("Contents/Info.plist"))) {
            byte[] bytes = in.readNBytes(MAX_PLIST_BYTES + 1);
            if (bytes.length > MAX_PLIST_BYTES) {
                return Optional.empty();
            }
            root = PropertyListParser.parse(bytes);
        } catch (Exception | StackOverflowError e) {
            // Any installed application's file may be malformed (the binary parser throws unchecked
            // exceptions for some): it is left out of the list, the others are still listed.
            return Optional.empty();
        }
        if (!(root instanceof NSDictionary info)) {
            return Optional.empty();
        }
        String id = text(info, "CFBundleIdentifier");
        if (id == null) {
            return Optional.empty();
        }
        String file = bundle.getFileName().toString();
        String name = Stream.of(text(info, "CFBundleDisplayName"), text(info, "CFBundleName"))
                .filter(n -> n != null)
                .findFirst()
                .orElse(file.substring(0, file.length() - ".app".length()));
        boolean backgroundOnly = info.objectForKey("LSBackgroundOnly") instanceof NSNumber n && n.boolValue()
                || "1".equals(text(info, "LSBackgroundOnly"));
        return Optional.of(new DesktopPlatform.App(id, name, backgroundOnly, bundle));
    }

    private static String text(NSDictionary info, String key) {
        return info.objectForKey(key) instanceof NSString s && !s.getContent().isBlank()
                ? s.getContent().strip()
                : null;
    }
}
