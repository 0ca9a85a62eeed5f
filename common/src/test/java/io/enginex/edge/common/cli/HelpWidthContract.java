package io.enginex.edge.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code --help} of every command of a CLI follows the terminal's width: at 60 and 120 columns no
 * line is longer than the width and no word is broken across lines (every word, i.e. run of
 * non-blanks, of the narrow help is a word of the same help laid out with no width limit).
 *
 * <p>Shared by both CLIs through this module's test jar: each has a {@code HelpWidthTest} that
 * extends this class and returns its root command from {@link #root()}.
 */
public abstract class HelpWidthContract {
    private static final Pattern WORD = Pattern.compile("\\S+");

    /** A fresh root command of the CLI under test, as its {@code main} builds it. */
    protected abstract CommandLine root();

    @ParameterizedTest
    @ValueSource(ints = {60, 120})
    void helpFitsTheWidthAndBreaksNoWord(int width) {
        for (CommandLine command : all(root())) {
            String name = command.getCommandSpec().qualifiedName();
            Set<String> words = words(usage(command, 10_000));
            String help = usage(command, width);
            for (String line : help.lines().toList()) {
                assertThat(line.length())
                        .as("%s at %d columns: %s", name, width, line)
                        .isLessThanOrEqualTo(width);
                Matcher m = WORD.matcher(line);
                while (m.find()) {
                    assertThat(words)
                            .as("%s at %d columns, a word broken in: %s", name, width, line)
                            .contains(m.group());
                }
            }
        }
    }

    @Test
    void everyCommandDetectsTheTerminalWidth() {
        for (CommandLine command : all(root())) {
            assertThat(command.isUsageHelpAutoWidth())
                    .as(command.getCommandSpec().qualifiedName())
                    .isTrue();
        }
    }

    static String usage(CommandLine command, int width) {
        command.setUsageHelpAutoWidth(false);
        command.setUsageHelpWidth(width);
        return command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    static List<CommandLine> all(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!all.contains(sub)) {
                all.addAll(all(sub));
            }
        }
        return all;
    }
}
