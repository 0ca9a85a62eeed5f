package io.enginex.edge.agent.journal;

import java.time.Instant;
import java.util.Objects;

/**
 * A process tree a job started, as the journal keeps it: enough to find and end it after the agent
 * was killed, and to leave alone a process that merely reuses the id.
 *
 * @param id the process group id on Linux (the leader's pid), the child's pid elsewhere
 * @param startedAt when the tree's first process started
 */
public record RecordedProcess(long id, Instant startedAt) {
    public RecordedProcess {
        if (id <= 1) {
            throw new IllegalArgumentException("a process id above 1 is needed, got " + id);
        }
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
