package io.enginex.edge.agent.exec;

import java.time.Duration;
import java.time.Instant;

/**
 * The whole process tree of one running command, as this OS can end it: a process group on Linux
 * ({@link LinuxProcessGroups}), a Job Object on Windows ({@link WindowsJobObjects}), the descendants
 * of the child elsewhere ({@link DescendantTrees}).
 *
 * <p>Thread-safe: {@link #end} may be called from any thread, more than once.
 */
public interface ProcessTree extends AutoCloseable {
    /**
     * What the agent's job journal keeps to find the tree again after the agent was killed: the
     * process group id (the leader's pid) on Linux, the child's pid elsewhere.
     */
    long id();

    /** When the tree's first process started; with {@link #id()} it tells a reused pid apart. */
    Instant startedAt();

    /** True when {@link #end} reaches processes that left the child's tree (a group or a job). */
    boolean contained();

    /**
     * Ends every process of the tree: a polite request first (SIGTERM), then, for what is left after
     * {@code grace}, a forced kill. Returns once nothing of the tree is left or a last short wait ran
     * out.
     *
     * @return true when nothing of the tree is left
     */
    boolean end(Duration grace);

    /** Releases OS handles (the Windows job); never ends the processes. */
    @Override
    default void close() {}
}
