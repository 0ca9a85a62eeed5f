package io.enginex.edge.server.cli;

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
 * {@code --help} of every command follows the terminal's width: at 60 and 120 columns no line is
 * longer than the width and no word is broken across lines (every word, i.e. run of non-blanks, of
 * the narrow help is a word of the same help laid out with no width limit).
 */
class HelpWidthTest {
    private static final Pattern WORD = Pattern.compile("\\S+");

    @ParameterizedTest
    @ValueSource(ints = {60, 120})
    void helpFitsTheWidthAndBreaksNoWord(int width) {
        for (CommandLine command : all(EngineCommand.commandLine())) {
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
        for (CommandLine command : all(EngineCommand.commandLine())) {
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
