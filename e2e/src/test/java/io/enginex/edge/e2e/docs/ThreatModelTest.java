package io.enginex.edge.e2e.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The threat model names, for each threat, the test that proves its mitigation. This keeps those names
 * true: every {@code Class} or {@code Class.method} it cites must be a test class (and method) in the
 * repository, so a renamed or deleted test cannot leave a claim without proof.
 */
class ThreatModelTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern CITED =
            Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT|Contract))(?:\\.([a-z][A-Za-z0-9]*))?`");

    @Test
    void everyTestTheThreatModelCitesExists() throws IOException {
        String model = Files.readString(REPO.resolve("docs/security/THREAT-MODEL.md"));
        Map<String, String> tests = testSources();
        List<String> missing = new ArrayList<>();
        int cited = 0;
        Matcher m = CITED.matcher(model);
        while (m.find()) {
            cited++;
            String source = tests.get(m.group(1));
            if (source == null) {
                missing.add(m.group(1) + " (no such test class)");
            } else if (m.group(2) != null
                    && !Pattern.compile("\\bvoid " + m.group(2) + "\\(")
                            .matcher(source)
                            .find()) {
                missing.add(m.group(1) + "." + m.group(2) + " (no such method)");
            }
        }

        assertThat(cited).as("tests cited by the threat model").isGreaterThan(50);
        assertThat(missing).as("tests the threat model cites that do not exist").isEmpty();
    }

    /** Every test source file of every module, by simple class name. */
    private static Map<String, String> testSources() throws IOException {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path module : modules.toList()) {
                Path tests = module.resolve("src/test/java");
                if (!Files.isDirectory(tests)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(tests)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        String name = f.getFileName().toString().replace(".java", "");
                        try {
                            sources.merge(name, Files.readString(f), String::concat);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        return sources;
    }
}
