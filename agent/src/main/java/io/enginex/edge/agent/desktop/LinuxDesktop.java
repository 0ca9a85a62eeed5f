package io.enginex.edge.agent.desktop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Linux and other freedesktop.org systems: applications from {@code .desktop} files ({@link
 * DesktopEntries}), {@code xdg-open}, {@code notify-send} (the session bus's
 * org.freedesktop.Notifications) and a {@code zenity --question} dialog.
 */
public record LinuxDesktop(Map<String, String> env, Path home, List<Path> binDirs) implements DesktopPlatform {
    /** The system folders helpers are taken from. */
    public static final List<Path> SYSTEM_BIN_DIRS =
            List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/local/bin"));

    /** zenity's exit code when {@code --timeout} passed without a click. */
    static final int ZENITY_TIMEOUT = 5;

    public LinuxDesktop {
        env = Map.copyOf(env);
        binDirs = List.copyOf(binDirs);
    }

    @Override
    public String installHint(String program) {
        return "Debian: apt-get install "
                + switch (program) {
                    case "notify-send" -> "libnotify-bin";
                    case "zenity" -> "zenity";
                    default -> "xdg-utils";
                };
    }

    @Override
    public List<App> apps() {
        return DesktopEntries.scan(DesktopEntries.dataDirs(env, home)).stream()
                .map(e -> new App(e.id(), e.name(), e.noDisplay(), e.file()))
                .toList();
    }

    /**
     * What xdg-open may run rather than show, depending on the desktop: launchers ({@code .desktop},
     * which GNOME and KDE start once trusted), self-running archives, scripts, and any regular file
     * with an execute bit (KDE and some file managers offer to run those). Folders open in the file
     * manager and are allowed.
     */
    static final Set<String> RUN_WHEN_OPENED = Set.of("desktop", "sh", "bash", "run", "bin", "appimage", "jar");

    @Override
    public boolean runsWhenOpened(Path file) {
        if (Files.isDirectory(file)) {
            return false;
        }
        if (RUN_WHEN_OPENED.contains(DesktopPlatform.extension(file))) {
            return true;
        }
        try {
            return Files.getPosixFilePermissions(file).stream()
                    .anyMatch(p -> p == PosixFilePermission.OWNER_EXECUTE
                            || p == PosixFilePermission.GROUP_EXECUTE
                            || p == PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return true; // cannot tell: default deny
        }
    }

    @Override
    public Command open(String target) {
        return new Command(List.of(helper("xdg-open").toString(), target), Map.of());
    }

    @Override
    public Command notify(String summary, String body) {
        // After "--" the text is never read as an option.
        List<String> argv =
                new ArrayList<>(List.of(helper("notify-send").toString(), "--app-name=" + TITLE, "--", summary));
        if (!body.isEmpty()) {
            argv.add(body);
        }
        return new Command(argv, Map.of());
    }

    @Override
    public String notifyHint() {
        return "is a notification daemon running in this session?";
    }

    @Override
    public Command consent(String question, int seconds) {
        // zenity reads Pango markup in --text, and the question holds free text: --no-markup.
        return new Command(
                List.of(
                        helper("zenity").toString(),
                        "--question",
                        "--no-markup",
                        "--title=" + TITLE,
                        "--ok-label=Allow",
                        "--cancel-label=Deny",
                        "--timeout=" + seconds,
                        "--text=" + question),
                Map.of());
    }

    @Override
    public Answer answer(int exitCode, String output) {
        return switch (exitCode) {
            case 0 -> Answer.ALLOWED;
            case 1 -> Answer.DENIED;
            case ZENITY_TIMEOUT -> Answer.NO_ANSWER;
            default -> Answer.NOT_SHOWN;
        };
    }
}
