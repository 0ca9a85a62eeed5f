package io.enginex.edge.common.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Usage help laid out for the terminal it is shown in: picocli detects the width ({@code
 * usageHelpAutoWidth}), and lines are broken only at blanks. Picocli's own wrapping breaks where
 * {@link java.text.BreakIterator} allows, which is inside paths and URLs ({@code policy.|json},
 * {@code https:|//hub…}); so each help section is rendered unwrapped and then wrapped here, with
 * continuation lines hanging under the column they belong to (option and command descriptions, the
 * synopsis after the command name). A word longer than the room left is moved to a less indented
 * line rather than cut. Both CLIs ({@code engine} and {@code enginex-agent}) apply it to their root
 * command; {@code HelpWidthContract} in this module's test jar checks every command of each.
 */
public final class WrappedHelp {
    private static final int UNWRAPPED = 10_000;
    private static final int MIN_ROOM = 20;
    private static final String SYNOPSIS_HEADING = "Usage: ";

    private WrappedHelp() {}

    /** Turns on width detection and blank-only wrapping for {@code root} and all its subcommands. */
    public static CommandLine apply(CommandLine root) {
        root.setUsageHelpAutoWidth(true);
        for (CommandLine command : hierarchy(root)) {
            Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>();
            command.getHelpSectionMap()
                    .forEach((key, renderer) -> sections.put(
                            key,
                            key.equals(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS)
                                    ? help -> synopsis(help, renderer)
                                    : help -> render(help, renderer)));
            command.setHelpSectionMap(sections);
        }
        return root;
    }

    private static List<CommandLine> hierarchy(CommandLine root) {
        List<CommandLine> all = new ArrayList<>(List.of(root));
        root.getSubcommands().values().stream().distinct().forEach(sub -> all.addAll(hierarchy(sub)));
        return all;
    }

    private static String render(CommandLine.Help help, CommandLine.IHelpSectionRenderer renderer) {
        return wrap(unwrapped(help, renderer), help.commandSpec().usageMessage().width());
    }

    /** The synopsis follows its heading ({@code Usage: }) on the same line, so it is wrapped with it. */
    private static String synopsis(CommandLine.Help help, CommandLine.IHelpSectionRenderer renderer) {
        String heading = help.synopsisHeading();
        String lastLine = heading.substring(heading.lastIndexOf('\n') + 1);
        String text = unwrapped(help, renderer);
        String wrapped = wrap(lastLine + text, help.commandSpec().usageMessage().width());
        return wrapped.substring(lastLine.length());
    }

    /** The section as picocli renders it with no width limit: one line per paragraph and table row. */
    private static String unwrapped(CommandLine.Help help, CommandLine.IHelpSectionRenderer renderer) {
        UsageMessageSpec usage = help.commandSpec().usageMessage();
        int width = usage.width(); // the terminal's, when it can be detected
        boolean auto = usage.autoWidth();
        usage.autoWidth(false).width(UNWRAPPED);
        try {
            return renderer.render(help);
        } finally {
            usage.width(width).autoWidth(auto);
        }
    }

    /** Wraps every line of {@code text} longer than {@code width} at blanks. */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            String line = end < 0 ? text.substring(start) : text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            wrapLine(line, width, out);
            if (end < 0) {
                break;
            }
            out.append('\n');
            start = end + 1;
        }
        return out.toString();
    }

    private static void wrapLine(String line, int width, StringBuilder out) {
        if (line.stripTrailing().length() <= width) {
            out.append(line.length() <= width ? line : line.stripTrailing());
            return;
        }
        line = line.stripTrailing();
        int lead = indentOf(line);
        int column = columnOf(line, lead);
        int hang;
        String first;
        if (line.startsWith(SYNOPSIS_HEADING)) {
            column = synopsisColumn(line);
            hang = column;
        } else {
            hang = column > lead ? column + 2 : lead == 0 ? 0 : lead + 2;
        }
        if (column <= lead || column > width - MIN_ROOM) {
            column = lead;
            hang = Math.min(hang, Math.max(0, width - MIN_ROOM));
        }
        first = line.substring(0, column);
        StringBuilder current = new StringBuilder(first);
        boolean empty = first.isBlank();
        for (String word : line.substring(column).trim().split(" +")) {
            if (!empty && current.length() + 1 + word.length() > width) {
                out.append(current.toString().stripTrailing()).append('\n');
                int indent =
                        word.length() <= width - hang ? hang : Math.max(0, Math.min(lead + 2, width - word.length()));
                current = new StringBuilder(" ".repeat(indent));
                empty = true;
            }
            if (!empty && !current.toString().endsWith(" ")) {
                current.append(' ');
            }
            current.append(word);
            empty = false;
        }
        out.append(current.toString().stripTrailing());
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** Where the last column of a table row starts (after a gap of two or more blanks), else {@code lead}. */
    private static int columnOf(String line, int lead) {
        int gap = line.indexOf("  ", lead);
        if (gap < 0) {
            return lead;
        }
        int column = gap;
        while (column < line.length() && line.charAt(column) == ' ') {
            column++;
        }
        return column;
    }

    /** {@code Usage: name sub [options]…}: the options hang under the first one. */
    private static int synopsisColumn(String line) {
        int i = SYNOPSIS_HEADING.length();
        while (i < line.length()) {
            int next = line.indexOf(' ', i);
            if (next < 0) {
                return SYNOPSIS_HEADING.length();
            }
            char c = line.charAt(next + 1);
            if (c == '[' || c == '<' || c == '(' || c == '-') {
                return next + 1;
            }
            i = next + 1;
        }
        return SYNOPSIS_HEADING.length();
    }
}
