package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.testing.PluginJars;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plug-in jars compiled during the test, loaded the way the agent loads them. */
class PluginToolsTest {
    @TempDir
    Path temp;

    private Path plugins;
    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final FileTrust trust = FileTrust.forCurrentUser();

    @BeforeEach
    void folder() throws Exception {
        plugins = Files.createDirectories(temp.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path jar(String name, Map<String, String> sources, List<String> services) throws Exception {
        Path jar = PluginJars.build(plugins, name, sources, services);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return jar;
    }

    @Test
    void aPluginToolIsLoadedValidatedAndCalledLikeABuiltIn() throws Exception {
        jar("acme.jar", Map.of("acme.Echo", PluginJars.echoTool("acme.Echo", "acme.echo")), List.of("acme.Echo"));

        PluginTools.Loaded loaded = PluginTools.load(plugins, true, trust, BuiltinTools.NAMES);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.plugins()).singleElement().satisfies(p -> {
            assertThat(p.tool().descriptor().name()).isEqualTo("acme.echo");
            assertThat(p.jar().getFileName().toString()).isEqualTo("acme.jar");
        });
        ToolRegistry registry = new ToolRegistry(loaded.tools());
        ToolContext context = ToolContext.detached("job_1", Instant.now().plusSeconds(10), Clock.systemUTC());
        assertThat(registry.call("acme.echo", mapper.readTree("{\"text\":\"hi\"}"), context)
                        .path("echo")
                        .asText())
                .isEqualTo("hi");
        assertThatThrownBy(() -> registry.call("acme.echo", mapper.readTree("{\"txt\":\"hi\"}"), context))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS));
    }

    @Test
    void aBrokenJarIsReportedByNameAndTheOthersStillLoad() throws Exception {
        jar("good.jar", Map.of("good.Echo", PluginJars.echoTool("good.Echo", "good.echo")), List.of("good.Echo"));
        Path missing = jar("missing.jar", Map.of(), List.of("nowhere.Gone"));
        Path throwing = jar("throwing.jar", Map.of("bad.Boom", """
                        package bad;
                        public final class Boom implements io.enginex.edge.agent.tools.Tool {
                            public Boom() { throw new IllegalStateException("no licence key"); }
                            public io.enginex.edge.protocol.ToolDescriptor descriptor() { return null; }
                            public com.fasterxml.jackson.databind.JsonNode call(
                                    com.fasterxml.jackson.databind.JsonNode a, io.enginex.edge.agent.tools.ToolContext c) {
                                return a;
                            }
                        }
                        """), List.of("bad.Boom"));
        Path clash = jar("clash.jar", Map.of("c.Read", PluginJars.echoTool("c.Read", "fs.read")), List.of("c.Read"));
        Files.writeString(plugins.resolve("garbage.jar"), "not a zip");
        Files.setPosixFilePermissions(plugins.resolve("garbage.jar"), PosixFilePermissions.fromString("rw-r--r--"));

        PluginTools.Loaded loaded = PluginTools.load(plugins, true, trust, BuiltinTools.NAMES);

        assertThat(loaded.tools()).extracting(t -> t.descriptor().name()).containsExactly("good.echo");
        assertThat(loaded.problems())
                .extracting(PluginTools.Problem::jar)
                .contains(missing, throwing, clash, plugins.resolve("garbage.jar"));
        assertThat(loaded.problems())
                .filteredOn(p -> p.jar().equals(missing))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("missing.jar").contains("nowhere.Gone"));
        assertThat(loaded.problems())
                .filteredOn(p -> p.jar().equals(throwing))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("bad.Boom").contains("no licence key"));
        assertThat(loaded.problems())
                .filteredOn(p -> p.jar().equals(clash))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("fs.read").contains("rename it"));
    }

    @Test
    void aJarOthersCouldChangeIsNotLoaded() throws Exception {
        Path jar = jar(
                "acme.jar", Map.of("acme.Echo", PluginJars.echoTool("acme.Echo", "acme.echo")), List.of("acme.Echo"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));

        PluginTools.Loaded loaded = PluginTools.load(plugins, true, trust, BuiltinTools.NAMES);

        assertThat(loaded.tools()).isEmpty();
        assertThat(loaded.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message())
                        .contains("plug-in jar")
                        .contains("acme.jar")
                        .contains("writable by group or others")
                        .contains("chmod go-w"));
    }

    @Test
    void theAdministratorsFolderMustBeRootOwnedWhenNotNamedExplicitly() throws Exception {
        jar("acme.jar", Map.of("acme.Echo", PluginJars.echoTool("acme.Echo", "acme.echo")), List.of("acme.Echo"));

        PluginTools.Loaded loaded =
                PluginTools.load(plugins, false, new FileTrust("somebody-else"), BuiltinTools.NAMES);

        if (!"root".equals(System.getProperty("user.name"))) {
            assertThat(loaded.tools()).isEmpty();
            assertThat(loaded.problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("not root"));
        } else {
            assertThat(loaded.tools()).hasSize(1);
        }
    }

    @Test
    void noFolderMeansNoPlugins() {
        assertThat(PluginTools.load(temp.resolve("none"), false, trust, BuiltinTools.NAMES))
                .isEqualTo(PluginTools.Loaded.NONE);
        assertThat(PluginTools.load(temp.resolve("none"), true, trust, BuiltinTools.NAMES)
                        .problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("is not a folder"));
    }
}
