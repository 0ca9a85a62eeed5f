package io.enginex.edge.server.cli;

import java.io.IOException;
import org.jline.utils.NonBlockingReader;

/**
 * Turns what a terminal in raw mode sends into keys: printable characters, and the escape
 * sequences of arrows, Home/End, PgUp/PgDn and Shift-Tab in their xterm ({@code ESC [ A}) and
 * application ({@code ESC O A}) forms. A lone Escape is told from the start of a sequence by a
 * short wait for the next character. Used by one thread.
 */
final class TopKeys {
    /** How long after Escape the rest of a sequence may take to arrive on a terminal. */
    static final long SEQUENCE_MILLIS = 50;

    enum Kind {
        CHAR,
        UP,
        DOWN,
        PAGE_UP,
        PAGE_DOWN,
        HOME,
        END,
        TAB,
        BACK_TAB,
        ENTER,
        ESCAPE,
        BACKSPACE,
        INTERRUPT,
        /** The input ended (the terminal went away). */
        EOF
    }

    /** A key; {@code ch} is the character for {@link Kind#CHAR}, else 0. */
    record Key(Kind kind, char ch) {
        static Key of(Kind kind) {
            return new Key(kind, '\0');
        }

        boolean is(char c) {
            return kind == Kind.CHAR && ch == c;
        }
    }

    private final NonBlockingReader in;
    private final long sequenceMillis;

    TopKeys(NonBlockingReader in) {
        this(in, SEQUENCE_MILLIS);
    }

    /** With {@code sequenceMillis} as the wait for the rest of an escape sequence. */
    TopKeys(NonBlockingReader in, long sequenceMillis) {
        this.in = in;
        this.sequenceMillis = sequenceMillis;
    }

    /** Blocks until the next key. */
    Key next() throws IOException {
        int c = in.read();
        return switch (c) {
            case NonBlockingReader.EOF -> Key.of(Kind.EOF);
            case 27 -> escape();
            case '\t' -> Key.of(Kind.TAB);
            case '\r', '\n' -> Key.of(Kind.ENTER);
            case 127, 8 -> Key.of(Kind.BACKSPACE);
            case 3 -> Key.of(Kind.INTERRUPT);
            default -> new Key(Kind.CHAR, (char) c);
        };
    }

    private Key escape() throws IOException {
        int introducer = in.read(sequenceMillis);
        if (introducer != '[' && introducer != 'O') {
            return Key.of(Kind.ESCAPE);
        }
        int f = in.read(sequenceMillis);
        StringBuilder number = new StringBuilder();
        while (f >= '0' && f <= '9') {
            number.append((char) f);
            f = in.read(sequenceMillis);
        }
        return switch (f) {
            case 'A' -> Key.of(Kind.UP);
            case 'B' -> Key.of(Kind.DOWN);
            case 'H' -> Key.of(Kind.HOME);
            case 'F' -> Key.of(Kind.END);
            case 'Z' -> Key.of(Kind.BACK_TAB);
            case '~' ->
                switch (number.toString()) {
                    case "1", "7" -> Key.of(Kind.HOME);
                    case "4", "8" -> Key.of(Kind.END);
                    case "5" -> Key.of(Kind.PAGE_UP);
                    case "6" -> Key.of(Kind.PAGE_DOWN);
                    default -> Key.of(Kind.ESCAPE);
                };
            default -> Key.of(Kind.ESCAPE);
        };
    }
}
