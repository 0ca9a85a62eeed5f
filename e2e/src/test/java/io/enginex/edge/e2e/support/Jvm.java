package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the product's jars and the JVM to run them are, as the build passes them in. */
public final class Jvm {
    private Jvm() {}

    public static String java() {
        String java = System.getProperty("enginex.java");
        return java != null ? java : ProcessHandle.current().info().command().orElse("java");
    }

    public static Path serverJar() {
        return jar("enginex.server.jar", "server/target/engine.jar");
    }

    public static Path agentJar() {
        return jar("enginex.agent.jar", "agent/target/enginex-agent.jar");
    }

    public static Path logs() {
        return Path.of(System.getProperty("enginex.e2e.logs", "target/e2e-logs"));
    }

    /**
     * An empty log folder for one test class. Emptied first, so that waiting for a line in a log never
     * matches what an earlier run wrote.
     */
    public static Path freshLogs(String name) {
        Path dir = logs().resolve(name);
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the log folder " + dir, e);
        }
    }

    private static Path jar(String property, String fallback) {
        Path jar = Path.of(System.getProperty(property, "../" + fallback));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (./mvnw package -DskipTests),"
                    + " or run the end-to-end tests through ./test");
        }
        return jar;
    }
}
