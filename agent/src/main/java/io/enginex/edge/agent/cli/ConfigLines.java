package io.enginex.edge.agent.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sets {@code key = value} lines in the admin config file (the format {@code AgentConfigFile} reads):
 * replaces the first line of each key, drops later duplicates, appends keys it lacks, keeps comments
 * and other lines. The file is rewritten in place, not replaced, so the access set on it before
 * (Windows ACLs, POSIX mode and group) stays.
 */
final class ConfigLines {
    private ConfigLines() {}

    static void set(Path file, Map<String, String> values) {
        try {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                lines = List.of();
            }
            Files.writeString(
                    file,
                    String.join("\n", apply(lines, values)) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write " + file + " (" + e.getMessage() + "); run as administrator (root)", e);
        }
    }

    static List<String> apply(List<String> lines, Map<String, String> values) {
        for (Map.Entry<String, String> entry : values.entrySet()) {
            if (entry.getValue().contains("\n") || entry.getValue().contains("\r")) {
                throw new IllegalArgumentException(entry.getKey() + " must be one line");
            }
        }
        Map<String, String> pending = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String stripped = line.strip();
            int eq = stripped.indexOf('=');
            String key = stripped.startsWith("#") || eq < 0
                    ? null
                    : stripped.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (key == null || !values.containsKey(key)) {
                out.add(line);
            } else if (pending.containsKey(key)) {
                out.add(key + " = " + pending.remove(key));
            }
        }
        pending.forEach((key, value) -> out.add(key + " = " + value));
        return out;
    }
}
