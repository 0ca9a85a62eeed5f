package io.enginex.edge.common.graph;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checked graph: steps in a dependency order (every step after the steps it depends on), each id
 * unique, no cycle, every reference to an earlier step declared as a dependency. Made only by {@link
 * GraphFormat}; immutable.
 *
 * @param name the graph's name
 * @param steps the steps in the order they run (a topological order that keeps the file's order
 *     where dependencies allow)
 * @param schedule when it runs by itself, if it does
 * @param watch the folder whose new files start it (as written: relative to the agent's first root, or
 *     absolute), if it has one; the agent checks it is inside the roots its policy allows
 * @param storageBytes the quota the graph asks for its run files ({@code limits.storageBytes}), if any
 */
public record Graph(
        String name,
        List<Step> steps,
        Optional<Schedule> schedule,
        Optional<String> watch,
        java.util.OptionalLong storageBytes) {
    public Graph {
        steps = List.copyOf(steps);
        java.util.Objects.requireNonNull(schedule, "schedule");
        java.util.Objects.requireNonNull(watch, "watch");
        java.util.Objects.requireNonNull(storageBytes, "storageBytes");
    }

    /** A graph without a schedule, a watched folder or limits of its own (it runs when started). */
    public Graph(String name, List<Step> steps) {
        this(name, steps, Optional.empty(), Optional.empty(), java.util.OptionalLong.empty());
    }

    /** This graph with {@code schedule}. */
    public Graph withSchedule(Optional<Schedule> schedule) {
        return new Graph(name, steps, schedule, watch, storageBytes);
    }

    /** This graph with {@code watch}. */
    public Graph withWatch(Optional<String> watch) {
        return new Graph(name, steps, schedule, watch, storageBytes);
    }

    /**
     * This graph with its {@code limits.storageBytes}: how much its run files may take on a machine, at
     * most (the machine's policy may allow less, never more).
     */
    public Graph withStorageBytes(java.util.OptionalLong storageBytes) {
        return new Graph(name, steps, schedule, watch, storageBytes);
    }

    /** The step named {@code id}, if any. */
    public Optional<Step> step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The steps by id, in run order. */
    public Map<String, Step> byId() {
        Map<String, Step> map = new LinkedHashMap<>();
        steps.forEach(s -> map.put(s.id(), s));
        return map;
    }
}
