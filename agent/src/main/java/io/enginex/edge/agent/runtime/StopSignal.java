package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.connection.ConnectionOutcome;
import io.enginex.edge.agent.connection.HubConnection;
import io.enginex.edge.agent.dispatch.JobRunner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the connection loop until a shutdown signal (SIGTERM, Ctrl+C, the service manager's stop),
 * which first stops the jobs and reports them, then closes the connection and waits briefly for the
 * loop to end.
 */
final class StopSignal {
    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

    /** How long the shutdown hook waits for the loop to end after closing the connection. */
    private static final long LOOP_END_SECONDS = 5;

    private StopSignal() {}

    /** Runs the loop on this thread; the runner is closed when the loop ends, however it ends. */
    static ConnectionOutcome runUntilStopped(HubConnection connection, JobRunner runner) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    // Jobs first, while the connection is up: each running tool (an exec command's
                    // whole process tree) ends and its job is reported interrupted; then close.
                    int left = runner.stop(JobRunner.TOOL_END_LIMIT);
                    log.atInfo().addKeyValue("jobsLeftRunning", left).log("jobs stopped; closing the connection");
                    connection.stop();
                    try {
                        done.await(LOOP_END_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "enginex-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return connection.run();
        } finally {
            runner.close();
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running and about to see done.
            }
        }
    }
}
