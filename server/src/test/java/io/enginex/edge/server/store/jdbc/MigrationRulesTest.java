package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rolling-upgrade rule (docs/DEPLOY.md, "Upgrading one node at a time"): from V11, when the hub
 * became able to run as several nodes, a migration only adds, so a node of the previous release keeps
 * working on the migrated schema. A statement that removes, renames, narrows or deletes is refused
 * unless a {@code -- rolling-upgrade:} comment just before it says why it is safe.
 */
class MigrationRulesTest {
    /** The first migration written for several nodes. */
    private static final int FIRST_RULED = 11;

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final Pattern VERSION = Pattern.compile("V(\\d+)(?:_\\d+)?__.*\\.sql");
    private static final String WAIVER = "-- rolling-upgrade:";

    private record Rule(Pattern pattern, String why) {}

    private static final List<Rule> RULES = List.of(
            new Rule(
                    Pattern.compile("\\bDROP\\s+(TABLE|COLUMN|VIEW|SEQUENCE|CONSTRAINT|SCHEMA)\\b"),
                    "drops what the previous release reads or relies on"),
            new Rule(Pattern.compile("\\bDROP\\s+INDEX\\b"), "drops an index the previous release may need"),
            new Rule(Pattern.compile("\\bRENAME\\b"), "renames what the previous release names"),
            new Rule(
                    Pattern.compile("\\bALTER\\s+COLUMN\\b.*\\b(SET\\s+NOT\\s+NULL|TYPE)\\b"),
                    "narrows a column the previous release writes"),
            new Rule(
                    Pattern.compile(
                            "\\bADD\\s+(COLUMN\\s+)?(?!CONSTRAINT)\\w+\\s+[^,]*\\bNOT\\s+NULL\\b(?![^,]*\\bDEFAULT\\b)"),
                    "adds a NOT NULL column without a default, which the previous release's inserts lack"),
            new Rule(Pattern.compile("\\b(DELETE\\s+FROM|TRUNCATE)\\b"), "deletes rows"));

    @Test
    void everyMigrationSinceSeveralNodesOnlyAdds() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path file : files.sorted().toList()) {
                Matcher m = VERSION.matcher(file.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) >= FIRST_RULED) {
                    checked++;
                    for (String problem : problems(Files.readString(file, StandardCharsets.UTF_8))) {
                        broken.add(file.getFileName() + ": " + problem);
                    }
                }
            }
        }

        assertThat(checked)
                .as("migrations from V%d found in %s", FIRST_RULED, MIGRATIONS)
                .isGreaterThanOrEqualTo(4);
        assertThat(broken).as("break the rolling-upgrade rule (docs/DEPLOY.md)").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DROP TABLE old_things;",
                "ALTER TABLE jobs DROP COLUMN note;",
                "DROP INDEX jobs_idx;",
                "ALTER TABLE jobs RENAME COLUMN note TO remark;",
                "ALTER TABLE jobs ALTER COLUMN note SET NOT NULL;",
                "ALTER TABLE jobs ALTER COLUMN note TYPE VARCHAR(10);",
                "ALTER TABLE jobs ALTER COLUMN note SET DATA TYPE VARCHAR(10);",
                "ALTER TABLE jobs ADD COLUMN note VARCHAR(10) NOT NULL;",
                "ALTER TABLE jobs\n    ADD COLUMN note VARCHAR(10)\n    NOT NULL;",
                "DELETE FROM jobs WHERE state = 'old';",
                "TRUNCATE jobs;"
            })
    void aStatementThatTheRuleForbidsIsFound(String sql) {
        assertThat(problems(sql)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CREATE TABLE things (id VARCHAR(64) NOT NULL PRIMARY KEY, note VARCHAR(10) NOT NULL);",
                "ALTER TABLE jobs ADD COLUMN note VARCHAR(10);",
                "ALTER TABLE jobs ADD COLUMN purpose VARCHAR(32) NOT NULL DEFAULT 'full';",
                "CREATE INDEX jobs_note_idx ON jobs (note);",
                "UPDATE audit_chain_heads SET seq = seq;",
                "-- a comment may say DROP TABLE\nCREATE TABLE t (id INT);",
                "-- rolling-upgrade: the new index covers it\nDROP INDEX jobs_idx;"
            })
    void whatTheRuleAllowsPasses(String sql) {
        assertThat(problems(sql)).isEmpty();
    }

    /** What in {@code script} breaks the rule, one line per statement. */
    static List<String> problems(String script) {
        List<String> problems = new ArrayList<>();
        StringBuilder statement = new StringBuilder();
        boolean waived = false;
        for (String line : script.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--")) {
                waived |= trimmed.startsWith(WAIVER) && trimmed.length() > WAIVER.length() + 1;
                continue;
            }
            statement.append(trimmed).append(' ');
            if (trimmed.endsWith(";")) {
                check(statement.toString(), waived, problems);
                statement.setLength(0);
                waived = false;
            }
        }
        check(statement.toString(), waived, problems);
        return problems;
    }

    private static void check(String statement, boolean waived, List<String> problems) {
        String sql = statement.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
        if (sql.isEmpty() || waived) {
            return;
        }
        for (Rule rule : RULES) {
            if (rule.pattern().matcher(sql).find()) {
                problems.add(rule.why() + ": " + statement.strip());
                return;
            }
        }
    }
}
