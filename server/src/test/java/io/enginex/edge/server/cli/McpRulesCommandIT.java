package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine mcp-rules show|set|clear} against a running hub. */
class McpRulesCommandIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    @Test
    void rulesAreSetFromAFileShownAndCleared() throws Exception {
        String tenant = hub.newTenant();
        Path file = dir.resolve("rules.json");
        Files.writeString(file, "{\"roles\": {\"operator\": {\"deny\": [\"exec\", \"*__fs_write\"]}}}");

        var none = engine("mcp-rules", "show", "--tenant", tenant);
        var set = engine("mcp-rules", "set", "--tenant", tenant, "--file", file.toString());
        var shown = engine("mcp-rules", "show", "--tenant", tenant, "--json");
        var cleared = engine("mcp-rules", "clear", "--tenant", tenant);

        assertThat(none.exitCode()).as(none.err()).isZero();
        assertThat(none.out()).contains("has no MCP tool rules");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("MCP tool rules of tenant " + tenant).contains("\"*__fs_write\"");
        assertThat(shown.out()).contains("\"deny\"").contains("\"exec\"");
        assertThat(cleared.out()).contains("has no MCP tool rules");
    }

    @Test
    void aBadFileIsRefusedNamingTheProblem() throws Exception {
        String tenant = hub.newTenant();
        Path file = dir.resolve("bad-rules.json");
        Files.writeString(file, "{\"roles\": {\"guest\": {\"allow\": [\"fs.*\"]}}}");

        var refused = engine("mcp-rules", "set", "--tenant", tenant, "--file", file.toString());

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("roles.guest").contains("owner, admin, operator or viewer");
    }
}
