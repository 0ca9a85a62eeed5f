package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.exec.ProcessGroups;
import io.enginex.edge.agent.testing.FakeClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The composition root with what it is given: an agent without an identity and without an
 * administrator's configuration starts nothing and says how to register.
 */
class AgentRuntimeTest {
    @TempDir
    Path stateDir;

    @Test
    void withoutAnIdentityOrAConfigurationNothingStartsAndTheOutcomeSaysHowToRegister() throws Exception {
        StringWriter out = new StringWriter();
        RunEnvironment environment = new RunEnvironment(
                new FakeClock(Instant.parse("2026-12-04T10:00:00Z")),
                Map.of(),
                new HostInfo("linux", "amd64", "test-host", "0.1.0-test"),
                ProcessGroups.forThisMachine(),
                1234,
                "Linux",
                null,
                new PrintWriter(out));

        RunOutcome outcome = new AgentRuntime(RunConfig.builder(stateDir).build(), environment).run();

        assertThat(outcome.kind()).isEqualTo(RunOutcome.Kind.NOT_REGISTERED);
        assertThat(outcome.message())
                .contains(stateDir.resolve("identity.json").toString())
                .contains("enginex-agent register --server URL --token TOKEN");
        assertThat(out.toString()).isEmpty();
        try (Stream<Path> files = Files.list(stateDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("journal.jsonl");
        }
    }
}
