package io.enginex.edge.agent.dispatch;

import io.enginex.edge.agent.journal.JobOutcome;

/**
 * Where the {@link JobRunner} sends what the hub must hear about a job. The connection implements it
 * by sending on whichever WebSocket is current.
 *
 * <p>Calls never block on the network and never throw: when no connection is up, the message is
 * dropped. That is safe because the outcome is in the journal and the hub redelivers every
 * unfinished job after each reconnect, which is answered from there.
 */
public interface Outbox {
    void ack(String jobId);

    /**
     * @param fraction share done in [0, 1], or null when unknown
     */
    void progress(String jobId, String message, Double fraction);

    /**
     * @param replayed true when answered from the journal without running the job
     */
    void result(String jobId, JobOutcome outcome, boolean replayed);
}
