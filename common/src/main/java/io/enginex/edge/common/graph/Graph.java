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
 */
public record Graph(String name, List<Step> steps) {
    public Graph {
        steps = List.copyOf(steps);
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
