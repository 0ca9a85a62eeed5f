package io.enginex.edge.server.store;

import java.util.List;
import java.util.Optional;

/** Graph runs uploaded by agents, each stored once by run id and each step record once by its id. */
public interface GraphRunStore {
    /**
     * Stores a run and step records, once: a run already stored keeps everything it has, except that a run
     * stored unfinished takes {@code run}'s final status and end once; a step record already stored is left
     * as it is. All in one transaction.
     *
     * @return false, with nothing written, when the run id is stored for another tenant or agent
     */
    default boolean store(GraphRunRecord run, List<GraphRunStepRecord> steps) {
        return store(run, steps, step -> {});
    }

    /**
     * {@link #store(GraphRunRecord, List)}, telling {@code stored}, inside the transaction, each step
     * record written now (not one stored before), so what goes with its first arrival happens once.
     */
    boolean store(
            GraphRunRecord run, List<GraphRunStepRecord> steps, java.util.function.Consumer<GraphRunStepRecord> stored);

    /** The tenant's runs of a graph, the latest started first, at most {@code limit}. */
    List<GraphRunRecord> runsOf(String tenantId, String graphId, int limit);

    /**
     * The tenant's runs of graphs that were not the hub's (a graph file run on the machine, {@code
     * standing} {@code local}), the latest started first, at most {@code limit}.
     */
    List<GraphRunRecord> localRuns(String tenantId, int limit);

    Optional<GraphRunRecord> run(String tenantId, String runId);

    /**
     * Remembers that audit record {@code recordId} of the agent arrived; joins the caller's transaction.
     *
     * @return true the first time, false when it arrived before
     */
    boolean auditArrived(String tenantId, String agentId, String recordId, java.time.Instant at);

    /** A run's step records, in the order they settled. */
    List<GraphRunStepRecord> steps(String tenantId, String runId);
}
