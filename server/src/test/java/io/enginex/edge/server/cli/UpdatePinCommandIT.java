package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.update.Expiries;
import io.enginex.edge.server.update.UpdateRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine update-pin set|show|clear} against a running hub, and its usage errors. */
class UpdatePinCommandIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() throws IOException {
        var repo = new UpdateRepository(UpdateRepository.dirOf(dir), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
        repo.publish("beta", "1.5.0", Map.of("linux-x64", file), List.of(repo.onlineKeysDir()));
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    @Test
    void aPinIsSetShownAndClearedAndItsErrorsNameTheFix() {
        String tenant = hub.newTenant();

        CommandRun set = engine("update-pin", "set", "--tenant", tenant, "--version", "1.5.0");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("agents hold at version 1.5.0", "Sent to 0 connected agent(s)");
        assertThat(engine("update-pin", "show", "--tenant", tenant).out()).contains("hold at version 1.5.0");
        CommandRun both = engine("update-pin", "set", "--tenant", tenant, "--channel", "beta", "--version", "1.5.0");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        CommandRun unknown = engine("update-pin", "set", "--tenant", tenant, "--channel", "nightly");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("no channel nightly", "[beta]");

        CommandRun cleared = engine("update-pin", "clear", "--tenant", tenant);
        assertThat(cleared.exitCode()).as(cleared.err()).isZero();
        assertThat(cleared.out()).contains("has no update pin");
        assertThat(engine("update-pin", "clear", "--tenant", tenant).err()).contains("has no update pin");
    }
}
