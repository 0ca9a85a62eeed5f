package io.enginex.edge.common.graph;

import java.util.List;

/**
 * A graph that cannot be used, with every problem found: each says where ({@code FILE:LINE: /json/pointer})
 * and what to change.
 */
public final class GraphException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public GraphException(String source, List<String> problems) {
        super(source + " is not a valid graph:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one line each, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
