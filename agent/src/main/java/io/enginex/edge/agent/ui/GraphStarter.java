package io.enginex.edge.agent.ui;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Starts a graph the hub assigned to this agent, for the person at the machine (the status page's API). */
@FunctionalInterface
public interface GraphStarter {
    /** Starts nothing: no graph is known. */
    GraphStarter NONE = (graph, by, via) -> Optional.of("this agent runs no graphs of the hub");

    /**
     * Queues a run of {@code graph} (it starts once the run going on, if any, has ended).
     *
     * @param by the account that asked
     * @param via how it asked ({@code cli}, {@code status page})
     * @return empty when the run was queued, else why not, naming the fix
     */
    Optional<String> start(String graph, String by, String via);

    /** The names of the graphs a person may start now, sorted (the status page's buttons); none by default. */
    default List<String> startable() {
        return List.of();
    }

    /** {@code starter}, which lists {@code names} as {@link #startable}. */
    static GraphStarter listing(Supplier<List<String>> names, GraphStarter starter) {
        return new GraphStarter() {
            @Override
            public Optional<String> start(String graph, String by, String via) {
                return starter.start(graph, by, via);
            }

            @Override
            public List<String> startable() {
                return names.get();
            }
        };
    }
}
