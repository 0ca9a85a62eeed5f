package io.enginex.edge.agent.tools;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The toolbox in force. A new tenant policy replaces it as a whole; a job reads it once when it
 * starts, so it runs under one consistent policy, and every later job meets the new one.
 *
 * <p>Thread-safe: reads are lock-free, replacements atomic.
 */
public final class CurrentToolbox implements Supplier<Toolbox> {
    private final AtomicReference<Toolbox> current;

    public CurrentToolbox(Toolbox initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    @Override
    public Toolbox get() {
        return current.get();
    }

    /** Puts {@code next} in force and returns the one it replaced. */
    public Toolbox replace(Toolbox next) {
        return current.getAndSet(Objects.requireNonNull(next, "next"));
    }
}
