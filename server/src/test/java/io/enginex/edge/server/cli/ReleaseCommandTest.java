package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine release}: what it prints, and errors that name the fix. */
class ReleaseCommandTest {
    @TempDir
    Path tmp;

    @Test
    void beforeKeysInitEveryCommandSaysHowToMakeTheRepository() {
        CommandRun run = CommandRun.run("release", "pause", "--data-dir", tmp.toString(), "--channel", "stable");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("make it with engine release keys init");
    }

    @Test
    void initPublishAndStatusTellWhatTheyDid() throws IOException {
        String data = tmp.resolve("hub").toString();
        CommandRun init = CommandRun.run(
                "release",
                "keys",
                "init",
                "--data-dir",
                data,
                "--offline",
                tmp.resolve("offline").toString());
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).contains("root-1.key", "2 of 3 must sign", "Pin ");
        assertThat(CommandRun.run(
                                "release",
                                "keys",
                                "init",
                                "--data-dir",
                                data,
                                "--offline",
                                tmp.resolve("o2").toString())
                        .err())
                .contains("exists already");

        Path file = Files.writeString(tmp.resolve("enginex-agent-1.0.0-linux-amd64.tar.gz"), "agent");
        CommandRun publish = CommandRun.run(
                "release", "publish", "--data-dir", data, "--channel", "stable", "--version", "1.0.0", file.toString());
        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(publish.out()).contains("channel stable: 1.0.0", "[linux-x64]");

        Path unnamed = Files.writeString(tmp.resolve("agent.tar.gz"), "agent");
        CommandRun refused = CommandRun.run(
                "release",
                "publish",
                "--data-dir",
                data,
                "--channel",
                "stable",
                "--version",
                "1.1.0",
                unnamed.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("give it as linux-x64=agent.tar.gz");

        CommandRun status = CommandRun.run("release", "status", "--data-dir", data);
        assertThat(status.out()).contains("timestamp version 2", "channel stable: 1.0.0");
    }

    @Test
    void theThresholdIsSetPerChannelAndStatusShowsItAndTheHubsHalt() throws IOException {
        Path data = tmp.resolve("hub");
        var repo = new io.enginex.edge.server.update.UpdateRepository(
                io.enginex.edge.server.update.UpdateRepository.dirOf(data), java.time.Clock.systemUTC());
        repo.init(tmp.resolve("offline"), 3, 2, io.enginex.edge.server.update.Expiries.DEFAULT);
        Path file = Files.writeString(tmp.resolve("agent.tar.gz"), "agent");
        repo.publish(
                "stable", "1.5.0", java.util.Map.of("linux-x64", file), 5, java.util.List.of(repo.onlineKeysDir()));

        CommandRun set = CommandRun.run(
                "release",
                "threshold",
                "--data-dir",
                data.toString(),
                "--channel",
                "stable",
                "--failure-percent",
                "10");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("passes 10 %");
        assertThat(CommandRun.run(
                                "release",
                                "threshold",
                                "--data-dir",
                                data.toString(),
                                "--channel",
                                "stable",
                                "--failure-percent",
                                "150")
                        .err())
                .contains("0 to 100");
        repo.halt(
                "stable",
                "1.5.0",
                1,
                "automatic halt: ring 1 (buckets 0-4): 2 of 3 agents that tried 1.5.0 failed (66 %)",
                java.util.List.of(repo.onlineKeysDir()));

        CommandRun status = CommandRun.run("release", "status", "--data-dir", data.toString());

        assertThat(status.out())
                .contains("(paused: agents keep their version)")
                .contains("halted by the hub at ")
                .contains("2 of 3 agents that tried 1.5.0 failed (66 %)")
                .contains("passes 10 %");
    }

    @Test
    void aBadExpiryIsAUsageErrorThatShowsTheForm() {
        CommandRun run = CommandRun.run(
                "release",
                "keys",
                "init",
                "--data-dir",
                tmp.toString(),
                "--offline",
                tmp.resolve("o").toString(),
                "--expires",
                "timestamp=tomorrow");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not an ISO-8601 duration such as PT12H");
    }
}
