package io.enginex.edge.protocol;

/**
 * The one rule for text that came from outside (an agent, a browser, an API client) and may reach a
 * log line, an audit event or a page: it must not contain characters that change how the text is
 * displayed rather than what it says. Those are control characters (Unicode Cc: CR, LF, TAB, ESC …),
 * format characters (Cf: the bidi overrides U+202A-U+202E and U+2066-U+2069, zero-width characters),
 * the line and paragraph separators U+2028/U+2029 and unpaired surrogates.
 *
 * <p>Identifiers are refused when they break the rule ({@link #problem}); text that must be kept is
 * shown escaped ({@link #escape}): {@code \n}, {@code \r}, {@code \t} and {@code \}{@code uXXXX} for
 * the others, so one event is always one line and a reader sees what was sent. A backslash is kept
 * as is (Windows paths stay readable), so escaped text is for people, not for parsing back.
 */
public final class Printable {
    /** The rule as a person reads it in an error message. */
    public static final String RULE = "must not contain control characters (CR, LF, TAB, ESC …), bidi overrides,"
            + " zero-width or other format characters, or line separators";

    private Printable() {}

    /** Whether {@code codePoint} is one the rule forbids. */
    public static boolean unsafe(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }

    /** Whether {@code text} (null counts as printable) has no character the rule forbids. */
    public static boolean isPrintable(String text) {
        return problem(text) == null;
    }

    /**
     * What is wrong with {@code text}, e.g. {@code "has U+000A (line feed) at position 4"}, or null when
     * it keeps the rule (null text keeps it too).
     */
    public static String problem(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (unsafe(cp)) {
                String name = Character.getName(cp);
                return "has U+" + String.format("%04X", cp)
                        + (name == null ? "" : " (" + name.toLowerCase(java.util.Locale.ROOT) + ")") + " at position "
                        + i;
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** {@code text} with every forbidden character escaped; null stays null; safe text is returned as is. */
    public static String escape(String text) {
        if (text == null || isPrintable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!unsafe(cp)) {
                out.appendCodePoint(cp);
                continue;
            }
            switch (cp) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u").append(String.format("%04X", cp));
            }
        }
        return out.toString();
    }
}
