package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plug-in jars during a test: compiles Java sources against the agent's classes with the
 * JDK's compiler and packs them with a {@code META-INF/services} file, as a company would ship them.
 */
public final class PluginJars {
    private PluginJars() {}

    /**
     * @param sources class name (e.g. {@code acme.EchoTool}) → Java source
     * @param services the lines of {@code META-INF/services/io.enginex.edge.agent.tools.Tool}
     * @return the jar, {@code dir/name}
     */
    public static Path build(Path dir, String name, Map<String, String> sources, List<String> services) {
        try {
            Path work = Files.createTempDirectory(dir.getParent() == null ? dir : dir.getParent(), "plugin-src-");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = work.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file.toString());
            }
            if (!files.isEmpty()) {
                JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                List<String> args = new ArrayList<>(
                        List.of("-d", classes.toString(), "-classpath", classPath(), "--release", "21", "-proc:none"));
                args.addAll(files);
                int exit = javac.run(null, null, null, args.toArray(String[]::new));
                if (exit != 0) {
                    throw new IllegalStateException("the test plug-in did not compile (exit " + exit + ")");
                }
            }
            Files.createDirectories(dir);
            Path jar = dir.resolve(name);
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream zip = new JarOutputStream(out)) {
                zip.putNextEntry(new JarEntry("META-INF/services/" + Tool.class.getName()));
                zip.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                try (Stream<Path> walk = Files.walk(classes)) {
                    for (Path f : walk.filter(Files::isRegularFile).toList()) {
                        zip.putNextEntry(
                                new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                        zip.write(Files.readAllBytes(f));
                        zip.closeEntry();
                    }
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tool {@code name} that echoes {@code {"text":…}} (a required string) as {@code {"echo":…}}. */
    public static String echoTool(String className, String toolName) {
        String pkg = className.substring(0, className.lastIndexOf('.'));
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return """
                package %s;

                import com.fasterxml.jackson.databind.JsonNode;
                import com.fasterxml.jackson.databind.ObjectMapper;
                import io.enginex.edge.agent.tools.Tool;
                import io.enginex.edge.agent.tools.ToolContext;
                import io.enginex.edge.protocol.ToolDescriptor;

                public final class %s implements Tool {
                    private static final ObjectMapper JSON = new ObjectMapper();

                    @Override
                    public ToolDescriptor descriptor() {
                        try {
                            return new ToolDescriptor("%s", "Echo", "Echoes its text.", JSON.readTree(
                                    "{\\"type\\":\\"object\\",\\"properties\\":{\\"text\\":{\\"type\\":\\"string\\"}},"
                                    + "\\"required\\":[\\"text\\"],\\"additionalProperties\\":false}"), "low");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public JsonNode call(JsonNode args, ToolContext context) {
                        return JSON.createObjectNode().put("echo", args.get("text").asText());
                    }
                }
                """.formatted(pkg, simple, toolName);
    }

    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (Class<?> type : List.of(
                Tool.class,
                ToolDescriptor.class,
                JsonNode.class,
                com.fasterxml.jackson.databind.ObjectMapper.class,
                com.fasterxml.jackson.core.JsonParser.class)) {
            try {
                entries.add(Path.of(type.getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
