package io.enginex.edge.e2e.support;

import io.enginex.edge.agent.tools.Tool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * A company's plug-in jar, built during the test: sources compiled with the JDK's compiler against
 * the agent jar the test runs, packed with their {@code META-INF/services} file.
 */
public final class PluginJar {
    private PluginJar() {}

    /**
     * @param sources class name → Java source
     * @param services the lines of {@code META-INF/services/io.enginex.edge.agent.tools.Tool}
     */
    public static Path build(Path jar, Map<String, String> sources, List<String> services) {
        try {
            Path work = Files.createTempDirectory(jar.getParent().getParent(), "plugin-src-");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> args = new ArrayList<>(List.of(
                    "-d",
                    classes.toString(),
                    "-classpath",
                    Jvm.agentJar().toString(),
                    "--release",
                    "21",
                    "-proc:none"));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = work.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                args.add(file.toString());
            }
            if (!sources.isEmpty()
                    && ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("the test plug-in did not compile");
            }
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream zip = new JarOutputStream(out)) {
                zip.putNextEntry(new JarEntry("META-INF/services/" + Tool.class.getName()));
                zip.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                try (Stream<Path> walk = Files.walk(classes)) {
                    for (Path f : walk.filter(Files::isRegularFile).toList()) {
                        zip.putNextEntry(new JarEntry(classes.relativize(f).toString()));
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
}
