package io.enginex.edge.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The accessibility check of the dashboard's browser tests: axe-core (Deque's rules engine, the npm
 * package {@code axe-core} at the version {@code src/test/axe/package-lock.json} pins with its
 * integrity hash, installed by {@code scripts/test-prereqs.sh} with {@code npm ci}) is injected into
 * the page the browser shows and run with the WCAG 2.0, 2.1 and 2.2 A and AA rules. {@link
 * #problems} lists the violations of impact serious or critical, one line each with the elements
 * that break the rule; a test asserts the list is empty. The pages' CSP does not stop the injection:
 * WebDriver's script runs through the DevTools protocol, not as a page script.
 */
public final class Axe {
    /** The rule sets run: WCAG 2.2 level AA and what it includes. */
    public static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static String source;

    private Axe() {}

    /**
     * The serious and critical violations on the page {@code driver} shows now, e.g. {@code
     * color-contrast (serious) Elements must meet minimum color contrast ratio thresholds: #main .hint};
     * empty when there is none.
     */
    public static List<String> problems(WebDriver driver) {
        var js = (JavascriptExecutor) driver;
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
            js.executeScript(source());
        }
        Object answer = js.executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                window.axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
                  .then(function (r) { done(JSON.stringify(r.violations)); },
                        function (e) { done(JSON.stringify({error: String(e)})); });
                """, TAGS);
        try {
            JsonNode violations = MAPPER.readTree(String.valueOf(answer));
            if (violations.has("error")) {
                throw new IllegalStateException("axe-core failed on " + driver.getCurrentUrl() + ": "
                        + violations.get("error").asText());
            }
            List<String> out = new ArrayList<>();
            for (JsonNode v : violations) {
                String impact = v.path("impact").asText();
                if (!impact.equals("serious") && !impact.equals("critical")) {
                    continue;
                }
                List<String> where = new ArrayList<>();
                for (JsonNode n : v.path("nodes")) {
                    if (where.size() == 5) {
                        where.add("…");
                        break;
                    }
                    where.add(n.path("target").toString() + " " + n.path("html").asText());
                }
                out.add(v.path("id").asText() + " (" + impact + ") "
                        + v.path("help").asText() + " on " + driver.getCurrentUrl() + ": " + String.join(" | ", where));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("axe-core's answer is not JSON: " + answer, e);
        }
    }

    private static synchronized String source() {
        if (source == null) {
            Path file = Path.of(System.getProperty("enginex.axe", "src/test/axe/node_modules/axe-core/axe.min.js"))
                    .toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " is missing: run scripts/test-prereqs.sh (./test does), which"
                        + " installs axe-core with npm ci in e2e/src/test/axe, or point -Denginex.axe at axe.min.js");
            }
            try {
                source = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return source;
    }
}
