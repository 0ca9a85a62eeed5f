package io.enginex.edge.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one failure from filling the log: the first occurrence of a signature is logged, further
 * ones within the window are only counted, and the first one after the window is logged with the
 * count, e.g. {@code "database unavailable (repeated 512 times in the last 60 s)"}. Thread-safe.
 */
public final class RepeatedLog {
    /** The signatures tracked at most; beyond it the oldest windows are dropped. */
    static final int MAX_SIGNATURES = 1_000;

    private final Clock clock;
    private final Duration window;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RepeatedLog(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /**
     * Whether to log an occurrence of {@code signature} now.
     *
     * @return empty to stay silent (counted); else how many occurrences were silenced since the last
     *     one logged (0 the first time)
     */
    public OptionalLong admit(String signature) {
        Instant now = clock.instant();
        if (windows.size() >= MAX_SIGNATURES && !windows.containsKey(signature)) {
            windows.clear();
        }
        long[] silenced = {-1};
        windows.compute(signature, (k, w) -> {
            if (w == null || !now.isBefore(w.start.plus(window))) {
                silenced[0] = w == null ? 0 : w.silenced;
                return new Window(now, 0);
            }
            return new Window(w.start, w.silenced + 1);
        });
        return silenced[0] < 0 ? OptionalLong.empty() : OptionalLong.of(silenced[0]);
    }

    /** {@code message}, with {@code " (repeated N times in the last 60 s)"} when some were silenced. */
    public String describe(String message, long silenced) {
        return silenced == 0
                ? message
                : message + " (repeated " + silenced + " times in the last " + window.toSeconds() + " s)";
    }

    private record Window(Instant start, long silenced) {}
}
