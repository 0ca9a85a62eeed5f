package io.enginex.edge.server.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the dashboard writes times and durations; called from templates. UTC everywhere, like the logs. */
public final class Format {
    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {}

    /** {@code 2026-05-04 13:02:11 UTC}, or an en dash for null. */
    public static String at(Instant t) {
        return t == null ? "–" : AT.format(t);
    }

    /** ISO-8601 for {@code <time datetime>}, or empty for null. */
    public static String iso(Instant t) {
        return t == null ? "" : DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /** {@code 840 ms}, {@code 3.2 s}, {@code 4 min 10 s}; an en dash if either end is missing. */
    public static String between(Instant from, Instant to) {
        if (from == null || to == null) {
            return "–";
        }
        Duration d = Duration.between(from, to);
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }
}
