package io.enginex.edge.agent.ui;

import java.util.Optional;

/** Starts a graph the hub assigned to this agent, for the person at the machine (the status page's API). */
@FunctionalInterface
public interface GraphStarter {
    /** Starts nothing: no graph is known. */
    GraphStarter NONE = (graph, by, via) -> Optional.of("this agent runs no graphs of the hub");

    /**
     * Queues a run of {@code graph} (it starts once the run going on, if any, has ended).
     *
     * @param by the account that asked
     * @param via how it asked ({@code cli})
     * @return empty when the run was queued, else why not, naming the fix
     */
    Optional<String> start(String graph, String by, String via);
}
