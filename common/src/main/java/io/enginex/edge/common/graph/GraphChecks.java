package io.enginex.edge.common.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the schema cannot say: unique step ids, dependencies that exist, no cycle, and every
 * reference (in {@code args} and {@code when}) to a step this step depends on, directly or through
 * others; then the run order.
 */
final class GraphChecks {
    private final List<Step> steps;
    private final JsonLines lines;
    private final String source;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();

    GraphChecks(List<Step> steps, JsonLines lines, String source) {
        this.steps = steps;
        this.lines = lines;
        this.source = source;
    }

    Graph check(String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (index.putIfAbsent(steps.get(i).id(), i) != null) {
                problem(
                        "/steps/" + i + "/id",
                        "the step id \"" + steps.get(i).id() + "\" is used twice (also at /steps/"
                                + index.get(steps.get(i).id()) + "); give each step its own id");
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            dependencies(i);
        }
        if (!problems.isEmpty()) {
            throw new GraphException(source, problems);
        }
        List<Step> order = order();
        for (int i = 0; i < steps.size(); i++) {
            references(i, ancestors(steps.get(i)));
        }
        if (!problems.isEmpty()) {
            throw new GraphException(source, problems);
        }
        return new Graph(name, order);
    }

    private void dependencies(int i) {
        Step step = steps.get(i);
        for (int d = 0; d < step.dependsOn().size(); d++) {
            String dep = step.dependsOn().get(d);
            String at = "/steps/" + i + "/dependsOn/" + d;
            if (dep.equals(step.id())) {
                problem(at, "the step \"" + dep + "\" depends on itself; remove it from its dependsOn");
            } else if (!index.containsKey(dep)) {
                problem(
                        at,
                        "the step \"" + step.id() + "\" depends on \"" + dep + "\", which is not a step of this"
                                + " graph; steps are: " + String.join(", ", index.keySet()));
            }
        }
    }

    /** Kahn's algorithm, taking the earliest step in the file among those ready, so the order is stable. */
    private List<Step> order() {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        steps.forEach(s -> waiting.put(s.id(), s.dependsOn().size()));
        List<Step> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        while (order.size() < steps.size()) {
            Step next = steps.stream()
                    .filter(s -> !done.contains(s.id()) && done.containsAll(s.dependsOn()))
                    .findFirst()
                    .orElse(null);
            if (next == null) {
                List<String> cycle = cycle(done);
                problem(
                        "/steps/" + index.get(cycle.get(0)) + "/dependsOn",
                        "the steps form a cycle: " + String.join(" -> ", cycle)
                                + "; a graph must be acyclic, remove one of these dependencies");
                throw new GraphException(source, problems);
            }
            done.add(next.id());
            order.add(next);
        }
        return order;
    }

    /** One cycle among the steps not done: follow unfinished dependencies until a step repeats. */
    private List<String> cycle(Set<String> done) {
        Map<String, Step> byId = new HashMap<>();
        steps.forEach(s -> byId.put(s.id(), s));
        LinkedHashSet<String> path = new LinkedHashSet<>();
        String at = steps.stream()
                .filter(s -> !done.contains(s.id()))
                .findFirst()
                .orElseThrow()
                .id();
        while (path.add(at)) {
            at = byId.get(at).dependsOn().stream()
                    .filter(d -> !done.contains(d))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> cycle = new ArrayList<>();
        boolean in = false;
        for (String id : path) {
            in |= id.equals(at);
            if (in) {
                cycle.add(id);
            }
        }
        cycle.add(at);
        return cycle.reversed();
    }

    private Set<String> ancestors(Step step) {
        Map<String, Step> byId = new HashMap<>();
        steps.forEach(s -> byId.put(s.id(), s));
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(step.dependsOn());
        while (!todo.isEmpty()) {
            String id = todo.removeLast();
            if (seen.add(id)) {
                todo.addAll(byId.get(id).dependsOn());
            }
        }
        return seen;
    }

    private void references(int i, Set<String> ancestors) {
        Step step = steps.get(i);
        String base = "/steps/" + i;
        List<References.Found> found = new ArrayList<>();
        try {
            found.addAll(References.find(step.args(), base + "/args"));
        } catch (IllegalArgumentException e) {
            int slash = e.getMessage().indexOf(": ");
            problem(e.getMessage().substring(0, slash), e.getMessage().substring(slash + 2));
        }
        step.when().ifPresent(w -> w.references().forEach(r -> found.add(new References.Found(base + "/when", r))));
        for (References.Found f : found) {
            f.reference()
                    .step()
                    .filter(id -> !ancestors.contains(id))
                    .ifPresent(id -> problem(
                            f.pointer(),
                            index.containsKey(id)
                                    ? "the step \"" + step.id() + "\" reads the output of \"" + id
                                            + "\" but does not depend" + " on it; add \"" + id + "\" to its dependsOn"
                                    : "the step \"" + step.id() + "\" reads the output of \"" + id
                                            + "\", which is not a" + " step of this graph"));
        }
    }

    private void problem(String pointer, String message) {
        problems.add(source + ":" + lines.line(pointer) + ": " + pointer + ": " + message);
    }
}
