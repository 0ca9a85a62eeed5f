package io.enginex.edge.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run measured: named values in the order they were added, printed as a two-column table for
 * a person and written as one JSON object (the names as keys) for scripts. Not thread-safe.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String title;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();

    public Report(String title) {
        this.title = title;
    }

    /** Adds {@code key} = {@code value}, shown as {@code label} with {@code unit} (may be empty). */
    public Report put(String key, Object value, String label, String unit) {
        values.put(key, value);
        rows.add(new String[] {label, format(value) + (unit.isEmpty() ? "" : " " + unit)});
        return this;
    }

    /** Adds a value to the JSON only (details a table would not hold). */
    public Report putJsonOnly(String key, Object value) {
        values.put(key, value);
        return this;
    }

    public Map<String, Object> values() {
        return values;
    }

    public void print(PrintStream out) {
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        out.println();
        out.println(title);
        for (String[] r : rows) {
            out.printf("  %-" + width + "s  %s%n", r[0], r[1]);
        }
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), values);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String format(Object value) {
        if (value instanceof Double d) {
            return d >= 100 ? String.format("%,.0f", d) : String.format("%.2f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format("%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }
}
