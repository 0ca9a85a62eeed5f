package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which changes of the repository are announced to agents: those an agent acts on, once each. */
class ReleaseWatchTest {
    @TempDir
    Path tmp;

    private final List<String> announced = new ArrayList<>();
    private UpdateRepository repo;
    private ReleaseWatch watch;
    private Path file;

    @BeforeEach
    void init() throws IOException {
        repo = new UpdateRepository(tmp.resolve("updates"), new FakeClock(Instant.parse("2026-12-01T00:00:00Z")));
        repo.init(tmp.resolve("offline"), 3, 2, Expiries.DEFAULT);
        file = Files.writeString(tmp.resolve("agent.tar.gz"), "agent");
        repo.publish("stable", "1.0.0", Map.of("linux-x64", file), keys());
        watch = new ReleaseWatch(repo, (channel, version) -> announced.add(channel + " " + version));
    }

    private List<Path> keys() {
        return List.of(repo.onlineKeysDir());
    }

    @Test
    void theFirstLookTakesNoteAndEachReleaseAnAgentActsOnIsAnnouncedOnce() {
        watch.run();
        assertThat(announced).isEmpty();

        repo.publish("stable", "1.1.0", Map.of("linux-x64", file), 10, keys());
        repo.publish("beta", "1.2.0", Map.of("linux-x64", file), keys());
        watch.run();
        watch.run();
        assertThat(announced).containsExactlyInAnyOrder("stable 1.1.0", "beta 1.2.0");

        announced.clear();
        repo.pause("stable", true, keys());
        watch.run();
        assertThat(announced).as("a pause asks nothing of agents").isEmpty();
        repo.pause("stable", false, keys());
        watch.run();
        repo.promote("stable", "1.1.0", 50, keys());
        watch.run();
        repo.rollback("stable", keys());
        watch.run();
        assertThat(announced).containsExactly("stable 1.1.0", "stable 1.1.0", "stable 1.0.0");
    }
}
