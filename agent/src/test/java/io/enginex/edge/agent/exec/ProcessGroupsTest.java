package io.enginex.edge.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process groups on real processes (Linux with {@code setsid}): a command whose background loop keeps
 * writing a file is ended as a whole, by a cancel while the agent runs and by {@link
 * ProcessGroups#endOrphan} after the agent was killed.
 */
class ProcessGroupsTest {
    /** The loop runs in a subshell the command waits for: a grandchild of the agent. */
    private static final String WRITER = "while :; do date >> out.txt; sleep 0.1; done & echo $! > loop.pid; wait";

    @TempDir
    Path temp;

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private ProcessGroups groups;

    @BeforeEach
    void linuxWithSetsid() {
        groups = ProcessGroups.forThisMachine();
        assumeTrue(groups instanceof LinuxProcessGroups, "process groups are used on Linux with setsid");
    }

    @AfterEach
    void close() {
        executor.close();
    }

    @Test
    void aCancelEndsTheWholeGroupBeforeRunReturns() {
        CommandRunner runner = new CommandRunner(executor, Clock.systemUTC(), 1000, groups, Duration.ofSeconds(2));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<ProcessTree> started = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            awaitGrowing(temp.resolve("out.txt"));
            stop.set(true);
        });

        CommandException e = catchThrowableOfType(
                CommandException.class,
                () -> runner.run(
                        List.of("/bin/sh", "-c", WRITER), temp, Duration.ofSeconds(60), stop::get, started::set));

        assertThat(e.code()).isEqualTo(ErrorCodes.CANCELLED);
        LinuxProcessGroups linux = (LinuxProcessGroups) groups;
        assertThat(linux.members(started.get().id()))
                .as("processes of the group when run returned")
                .isEmpty();
        assertThat(started.get().id()).isNotEqualTo(ProcessHandle.current().pid());
        assertStopsGrowing(temp.resolve("out.txt"));
    }

    @Test
    void anOrphanGroupIsEndedOnlyWhenItsLeaderIsTheRecordedProcess() throws Exception {
        // As a killed agent leaves it: a group nobody waits for.
        Process orphan = new ProcessBuilder(groups.argv(List.of("/bin/sh", "-c", WRITER)))
                .directory(temp.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Instant startedAt = orphan.info().startInstant().orElseThrow();
        LinuxProcessGroups linux = (LinuxProcessGroups) groups;
        awaitGrowing(temp.resolve("out.txt"));

        assertThat(groups.endOrphan(orphan.pid(), startedAt.minusSeconds(60), Duration.ofSeconds(2)))
                .as("another start time: a reused pid, left alone")
                .isZero();
        assertThat(linux.members(orphan.pid())).isNotEmpty();

        assertThat(groups.endOrphan(orphan.pid(), startedAt, Duration.ofSeconds(2)))
                .isPositive();
        assertThat(linux.members(orphan.pid())).isEmpty();
        assertStopsGrowing(temp.resolve("out.txt"));
        assertThat(groups.endOrphan(orphan.pid(), startedAt, Duration.ofSeconds(2)))
                .as("nothing left the second time")
                .isZero();
    }

    @Test
    void aMissingProgramIsRefusedBeforeAnythingStarts() {
        CommandRunner runner = new CommandRunner(executor, Clock.systemUTC(), 1000, groups, Duration.ofSeconds(2));
        CommandException e = catchThrowableOfType(
                CommandException.class,
                () -> runner.run(List.of("/nonexistent/tool"), temp, Duration.ofSeconds(5), () -> false));
        assertThat(e.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
        assertThat(e.getMessage()).contains("cannot start /nonexistent/tool");
    }

    @Test
    void statLinesAreReadAfterTheLastParenthesis() {
        assertThat(LinuxProcessGroups.parseStat("123 (sh) S 1 456 456 0 -1"))
                .contains(new LinuxProcessGroups.Stat('S', 456));
        assertThat(LinuxProcessGroups.parseStat("124 (a (b) c) Z 1 789 789 0"))
                .contains(new LinuxProcessGroups.Stat('Z', 789));
        assertThat(LinuxProcessGroups.parseStat("124 (a (b) c) Z 1 789 789 0")
                        .orElseThrow()
                        .live())
                .isFalse();
        assertThat(LinuxProcessGroups.parseStat("garbage")).isEmpty();
    }

    private static void awaitGrowing(Path file) {
        long[] last = {-1};
        await("the file grows")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(300)) // three writes of the loop apart
                .until(() -> {
                    long size = Files.exists(file) ? Files.size(file) : 0;
                    boolean grew = last[0] > 0 && size > last[0];
                    last[0] = size;
                    return grew;
                });
    }

    private static void assertStopsGrowing(Path file) {
        long[] last = {-1};
        await("the file stops growing")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    long size = Files.size(file);
                    boolean same = size == last[0];
                    last[0] = size;
                    return same;
                });
    }
}
