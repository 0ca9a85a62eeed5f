package io.enginex.edge.agent.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where {@code secrets set} reads a value: a file, else the terminal without echo, else standard
 * input (at most 64 KiB). One trailing newline is dropped; nothing is ever echoed or logged.
 */
final class SecretInput {
    private static final int MAX = 64 * 1024;

    private final Console console;
    private final InputStream stdin;

    SecretInput(Console console, InputStream stdin) {
        this.console = console;
        this.stdin = stdin;
    }

    static SecretInput system() {
        return new SecretInput(System.console(), System.in);
    }

    /** For tests: the value comes from {@code stdin}. */
    static SecretInput of(InputStream stdin) {
        return new SecretInput(null, stdin);
    }

    /**
     * @param file read the value from this file instead, or null
     * @param prompt shown on the terminal
     * @throws IllegalArgumentException when the value is empty, too large or unreadable
     */
    String read(Path file, String prompt) {
        if (file != null) {
            try {
                return trimmed(Files.readAllBytes(file), "--from-file " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read --from-file " + file + " (" + e.getClass().getSimpleName() + ")", e);
            }
        }
        if (terminal(console)) {
            char[] typed = console.readPassword("%s", prompt);
            if (typed == null) {
                throw new IllegalArgumentException("no value was typed; nothing was stored");
            }
            try {
                return trimmed(new String(typed).getBytes(StandardCharsets.UTF_8), "the terminal");
            } finally {
                Arrays.fill(typed, '\0');
            }
        }
        try {
            return trimmed(stdin.readNBytes(MAX + 1), "standard input");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the value from standard input", e);
        }
    }

    /**
     * True when {@code console} is a terminal. From JDK 22 {@code System.console()} is never null, so
     * its {@code isTerminal()} (not in the Java 21 API this compiles against) decides.
     */
    private static boolean terminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: System.console() is null unless there is a terminal
        }
    }

    private static String trimmed(byte[] bytes, String from) {
        if (bytes.length > MAX) {
            throw new IllegalArgumentException(
                    "the value from " + from + " is larger than " + MAX + " bytes; nothing was stored");
        }
        String value = new String(bytes, StandardCharsets.UTF_8);
        if (value.endsWith("\r\n")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("\n")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the value from " + from + " is empty; nothing was stored");
        }
        return value;
    }
}
