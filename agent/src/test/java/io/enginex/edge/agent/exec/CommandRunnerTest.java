package io.enginex.edge.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.policy.CommandTemplate;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {
    @TempDir
    Path temp;

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CommandRunner runner = new CommandRunner(executor, Clock.systemUTC(), 1000);

    @AfterEach
    void close() {
        executor.close();
    }

    /** A shell that ignores SIGTERM, forks a grandchild that also ignores it, and records both pids. */
    private static final String STUBBORN_TREE =
            "trap '' TERM; (trap '' TERM; sleep 300 & echo $! > grandchild.pid;" + " wait) & echo $! > child.pid; wait";

    @Test
    void theEnvironmentIsScrubbedAndTheWorkingFolderIsTheOneGiven() {
        CommandResult env = runner.run(List.of("/usr/bin/env"), temp, Duration.ofSeconds(10), () -> false);
        CommandResult pwd = runner.run(List.of("/bin/pwd"), temp, Duration.ofSeconds(10), () -> false);

        assertThat(env.stdout().lines().map(l -> l.substring(0, l.indexOf('='))))
                .containsExactlyInAnyOrderElementsOf(CommandRunner.ENVIRONMENT.keySet());
        assertThat(pwd.stdout().strip()).isEqualTo(temp.toString());
    }

    /**
     * The journal records a command's tree in {@code started}; until that returns the command must not act,
     * or an agent killed in between would leave it running, recorded nowhere. Its input is still at end of
     * file once it runs.
     */
    @Test
    void aCommandActsOnlyAfterItsTreeWasRecordedAndReadsEndOfFile() {
        Path marker = temp.resolve("acted");
        CommandResult result = runner.run(
                List.of("/bin/sh", "-c", "touch acted; cat; echo read-to-end"),
                temp,
                Map.of(),
                Duration.ofSeconds(30),
                () -> false,
                tree -> await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> !Files.exists(marker)));

        assertThat(marker).exists();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("read-to-end\n");
    }

    @Test
    void exitCodeIsReturnedAndOutputIsCapped() {
        CommandResult result = runner.run(
                List.of("/bin/sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x; echo oops >&2; exit 7"),
                temp,
                Duration.ofSeconds(10),
                () -> false);

        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdout()).hasSize(1000);
        assertThat(result.stdoutTruncated()).isTrue();
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.stderrTruncated()).isFalse();
    }

    @Test
    void timeoutKillsAChildAndGrandchildThatIgnoreSigterm() throws Exception {
        CommandException e = catchThrowableOfType(
                CommandException.class,
                () -> runner.run(
                        List.of("/bin/sh", "-c", "(" + STUBBORN_TREE + ") & " + STUBBORN_TREE),
                        temp,
                        Duration.ofSeconds(1),
                        () -> false));

        assertThat(e.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
        assertThat(e.getMessage()).contains("timeout", "killed");
        assertTreeIsDead();
    }

    @Test
    void cancelKillsTheTree() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread.ofVirtual().start(() -> {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(temp.resolve("grandchild.pid")));
            stop.set(true);
        });

        CommandException e = catchThrowableOfType(
                CommandException.class,
                () -> runner.run(List.of("/bin/sh", "-c", STUBBORN_TREE), temp, Duration.ofSeconds(60), stop::get));

        assertThat(e.code()).isEqualTo(ErrorCodes.CANCELLED);
        assertTreeIsDead();
    }

    private void assertTreeIsDead() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(temp.resolve("grandchild.pid")));
        for (String name : List.of("child.pid", "grandchild.pid")) {
            long pid = Long.parseLong(Files.readString(temp.resolve(name)).strip());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void parametersAreCheckedAndBecomeWholeArguments() {
        CommandTemplate template = new CommandTemplate(
                "report",
                List.of("/opt/erp/bin/erp", "export", "--period", "{period}", "--format", "{format}"),
                Map.of(
                        "period", new CommandTemplate.Param(Pattern.compile("20[0-9]{2}-[0-9]{2}"), List.of()),
                        "format", new CommandTemplate.Param(null, List.of("csv", "xlsx"))),
                null,
                Duration.ofSeconds(5),
                false,
                "test");

        assertThat(CommandRunner.argv(template, Map.of("period", "2026-10", "format", "csv")))
                .containsExactly("/opt/erp/bin/erp", "export", "--period", "2026-10", "--format", "csv");
        assertThat(catchThrowableOfType(
                                CommandException.class,
                                () -> CommandRunner.argv(template, Map.of("period", "2026-10", "format", "pdf")))
                        .code())
                .isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(catchThrowableOfType(
                                CommandException.class, () -> CommandRunner.argv(template, Map.of("period", "2026-10")))
                        .getMessage())
                .contains("needs parameter \"format\"");
        assertThat(catchThrowableOfType(
                                CommandException.class,
                                () -> CommandRunner.argv(
                                        template, Map.of("period", "2026-10", "format", "csv", "x", "y")))
                        .getMessage())
                .contains("no parameter \"x\"");
    }
}
