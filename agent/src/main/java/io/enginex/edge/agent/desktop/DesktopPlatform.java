package io.enginex.edge.agent.desktop;

import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What differs between Linux, macOS and Windows for the session part's desktop actions: where the
 * installed applications are listed, and which system helper opens a file or URL, shows a notification
 * or asks for consent, with which arguments. Everything else (the machine policy's checks, the
 * consent's wording, timeouts, closing a dialog) is {@link DesktopActions}', the same on every system.
 *
 * <p>Free text (a notification's summary, the consent's question) is only ever a separate argument or
 * an environment variable of the helper, never part of a script it runs. Helpers come from fixed system
 * folders ({@link #binDirs()}), never from the user's PATH. Implementations are immutable.
 */
public sealed interface DesktopPlatform permits LinuxDesktop, MacDesktop, WindowsDesktop {
    /** The dialog's title, the same on every system. */
    String TITLE = "EngineX Edge";

    /** One installed application: {@code hidden} if the system's own menus do not show it. */
    record App(String id, String name, boolean hidden, Path file) {}

    /**
     * A helper to run: its argv (the first element an absolute path) and the variables added to the
     * session's environment for it.
     */
    record Command(List<String> argv, Map<String, String> env) {
        public Command {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }

        /** The helper's file name, for messages. */
        public String program() {
            Path name = Path.of(argv.getFirst()).getFileName();
            return name == null ? argv.getFirst() : name.toString();
        }
    }

    /** What a consent dialog's helper said. */
    enum Answer {
        ALLOWED,
        DENIED,
        /** The dialog gave up after its time without a click. */
        NO_ANSWER,
        /** The helper failed: no graphical session, no permission to show a window. */
        NOT_SHOWN
    }

    /** The system of {@code osName} ({@code os.name}), for the user with {@code env} and {@code home}. */
    static DesktopPlatform forOs(String osName, Map<String, String> env, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return WindowsDesktop.of(env, home);
        }
        if (os.startsWith("mac")) {
            return MacDesktop.of(home);
        }
        return new LinuxDesktop(env, home, LinuxDesktop.SYSTEM_BIN_DIRS);
    }

    /** The folders helpers are looked up in, in order. */
    List<Path> binDirs();

    /** What to do when {@code program} is missing from {@link #binDirs()}. */
    String installHint(String program);

    /** The applications installed for this user, sorted by id. */
    List<App> apps();

    /**
     * Whether the system's opener would run {@code file} (a real path) or follow it elsewhere rather than
     * show it: a program, a script, an installer, a shortcut. {@code app.open} refuses those.
     */
    boolean runsWhenOpened(Path file);

    /** Opens {@code target}, an absolute real path or a URL, with the user's default application. */
    Command open(String target);

    /** Shows a notification; {@code body} may be empty. */
    Command notify(String summary, String body);

    /** What to tell a person when the notification helper exited with other than 0. */
    String notifyHint();

    /** Asks {@code question} with Allow / Deny, giving up after {@code seconds}. */
    Command consent(String question, int seconds);

    /** The person's answer, from the consent helper's exit code and standard output. */
    Answer answer(int exitCode, String output);

    /** {@code file}'s extension after its last dot, lower case; empty without one. */
    static String extension(Path file) {
        Path name = file.getFileName();
        String text = name == null ? "" : name.toString().strip();
        // Windows ignores trailing dots and spaces ("a.exe." is a.exe).
        while (text.endsWith(".") || text.endsWith(" ")) {
            text = text.substring(0, text.length() - 1);
        }
        int dot = text.lastIndexOf('.');
        return dot < 0 ? "" : text.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The absolute path of {@code program} in the first of {@link #binDirs()} that has it.
     *
     * @throws ToolException {@code tool_failed} naming where it was looked for and how to install it
     */
    default Path helper(String program) {
        return binDirs().stream()
                .map(d -> d.resolve(program))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new ToolException(
                        ErrorCodes.TOOL_FAILED,
                        program + " is not installed in " + binDirs() + " (" + installHint(program) + ")"));
    }
}
