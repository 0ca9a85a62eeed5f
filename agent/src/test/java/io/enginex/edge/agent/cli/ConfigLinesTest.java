package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.enrolment.AgentConfig;
import io.enginex.edge.agent.enrolment.AgentConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLinesTest {
    @TempDir
    Path dir;

    @Test
    void replacesKeysKeepsCommentsAndAppendsWhatIsMissing() {
        List<String> lines =
                List.of("# managed by GPO", "server = https://old.example", "root = C:\\Share", "Server=dup");

        Map<String, String> values = new LinkedHashMap<>();
        values.put("server", "https://hub.example.com");
        values.put("token", "exr_abc");

        assertThat(ConfigLines.apply(lines, values))
                .containsExactly(
                        "# managed by GPO", "server = https://hub.example.com", "root = C:\\Share", "token = exr_abc");
    }

    @Test
    void theWrittenFileIsWhatTheAgentReads() throws Exception {
        Path file = dir.resolve("agent.conf");
        Files.writeString(file, "# EngineX agent configuration\n");

        ConfigLines.set(file, Map.of("server", "https://hub.example.com:8443", "token", "exr_t", "pin", "AB:CD"));

        AgentConfig config = new AgentConfigFile(file).load();
        assertThat(config.server()).isEqualTo("https://hub.example.com:8443");
        assertThat(config.token()).isEqualTo("exr_t");
        assertThat(config.pin()).isEqualTo("AB:CD");
    }

    @Test
    void aValueWithALineBreakIsRefused() {
        assertThatThrownBy(() -> ConfigLines.apply(List.of(), Map.of("token", "a\nroot = /")))
                .hasMessageContaining("token must be one line");
    }
}
