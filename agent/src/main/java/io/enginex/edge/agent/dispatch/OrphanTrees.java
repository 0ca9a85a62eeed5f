package io.enginex.edge.agent.dispatch;

import io.enginex.edge.agent.exec.ProcessGroups;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.RecordedProcess;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an agent process was killed (SIGKILL, power loss of the JVM only, OOM killer), the process
 * trees its {@code exec} jobs started may still run: the journal recorded them ({@link
 * JobJournal#process}). At the next start, before the agent connects, this ends each such tree that
 * is still the recorded one, then journals its job as {@code interrupted}; the hub's redelivery of
 * the job is answered from that entry. So the hub never hears "interrupted" while the command still
 * acts.
 *
 * <p>Runs once, on the starting thread.
 */
public final class OrphanTrees {
    private static final Logger log = LoggerFactory.getLogger(OrphanTrees.class);

    private final JobJournal journal;
    private final ProcessGroups groups;
    private final Clock clock;

    public OrphanTrees(JobJournal journal, ProcessGroups groups, Clock clock) {
        this.journal = journal;
        this.groups = groups;
        this.clock = clock;
    }

    /**
     * Ends the recorded trees of interrupted jobs (SIGTERM, {@code grace}, SIGKILL) and journals
     * those jobs as finished with error {@code interrupted}.
     *
     * @return how many jobs were settled
     */
    public int endAll(Duration grace) {
        Map<String, List<RecordedProcess>> orphans = journal.interruptedProcesses();
        for (Map.Entry<String, List<RecordedProcess>> job : orphans.entrySet()) {
            int ended = 0;
            for (RecordedProcess tree : job.getValue()) {
                ended += groups.endOrphan(tree.id(), tree.startedAt(), grace);
            }
            Instant now = clock.instant();
            JobOutcome outcome = JobOutcome.failure(
                    ErrorCodes.INTERRUPTED,
                    "the agent was killed while this job ran; at its next start it ended the job's process tree ("
                            + ended + " process(es) were still running) before this report; the job is not run"
                            + " again",
                    now,
                    now);
            log.atWarn()
                    .addKeyValue("jobId", job.getKey())
                    .addKeyValue(
                            "processTrees",
                            job.getValue().stream()
                                    .map(t -> Long.toString(t.id()))
                                    .toList())
                    .addKeyValue("processesEnded", ended)
                    .log("job of a killed agent: its process tree was ended; reporting it interrupted");
            try {
                journal.finish(job.getKey(), outcome);
            } catch (UncheckedIOException e) {
                log.atError()
                        .addKeyValue("jobId", job.getKey())
                        .setCause(e)
                        .log("cannot journal the interrupted job; its redelivery is answered interrupted anyway");
            }
        }
        return orphans.size();
    }
}
