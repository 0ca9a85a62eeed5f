package io.enginex.edge.agent.ui;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts a graph the hub assigned to this agent, and decides its steps that wait for approval, for the person
 * at the machine (the status page's API).
 */
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

    /**
     * Decides a step that waits for approval as {@code by} ({@code graph decide} while the agent runs), if the
     * policy lets the machine decide; none by default.
     *
     * @param via how it was asked ({@code cli}, {@code status page})
     */
    default Decided decide(String runId, String step, boolean approve, String reason, String by, String via) {
        return new Decided(Decided.NOT_ALLOWED, "this agent decides no graph steps at the machine");
    }

    /**
     * What became of a decision at the machine.
     *
     * @param outcome {@code applied}, {@code already_decided} (naming who decided first), {@code not_waiting},
     *     {@code graph_withdrawn} or {@link #NOT_ALLOWED} (the message names the policy key to set)
     */
    record Decided(String outcome, String message) {
        public static final String NOT_ALLOWED = "not_allowed";
    }

    /** Decides a step ({@link GraphStarter#decide}). */
    @FunctionalInterface
    interface Decider {
        Decided decide(String runId, String step, boolean approve, String reason, String by, String via);
    }

    /** This starter, whose {@link #decide} is {@code decider}'s. */
    default GraphStarter deciding(Decider decider) {
        GraphStarter starter = this;
        return new GraphStarter() {
            @Override
            public Optional<String> start(String graph, String by, String via) {
                return starter.start(graph, by, via);
            }

            @Override
            public List<String> startable() {
                return starter.startable();
            }

            @Override
            public Decided decide(String runId, String step, boolean approve, String reason, String by, String via) {
                return decider.decide(runId, step, approve, reason, by, via);
            }
        };
    }
}
