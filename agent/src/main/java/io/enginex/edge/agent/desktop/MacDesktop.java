package io.enginex.edge.agent.desktop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * macOS: applications from the bundles of {@link AppBundles}, {@code /usr/bin/open}, and {@code
 * /usr/bin/osascript} for the notification ({@code display notification}) and the consent dialog
 * ({@code display dialog}, Allow / Deny, giving up after its time).
 *
 * <p>The AppleScript is fixed: an {@code on run argv} handler that reads the free text from its
 * arguments. Nothing a job sends is ever part of the script, so it cannot inject AppleScript ({@code do
 * shell script}). Each argument is passed with {@value #TAG} in front, which the script takes off
 * ({@code untag}), so none starts with {@code -}: whether osascript's option parsing stops at the first
 * argument or looks at all of them (as a permuting getopt_long would), a text such as {@code -e} is
 * never read as one of its options.
 */
public record MacDesktop(List<Path> appFolders, List<Path> binDirs) implements DesktopPlatform {
    /** Where open and osascript are: both are part of macOS. */
    public static final List<Path> SYSTEM_BIN_DIRS = List.of(Path.of("/usr/bin"));

    /** Put before every argument, so that none starts with {@code -}. */
    static final String TAG = ":";

    /** The handler that takes {@link #TAG} off an argument. */
    static final List<String> UNTAG =
            List.of("on untag(s)", "if length of s is 1 then return \"\"", "return text 2 thru -1 of s", "end untag");

    /** The notification: argv is the title, the summary (shown as subtitle), the body. */
    static final List<String> NOTIFY_SCRIPT = script(
            "on run argv",
            "display notification (untag(item 3 of argv)) with title (untag(item 1 of argv))"
                    + " subtitle (untag(item 2 of argv))",
            "end run");

    /**
     * The consent dialog: argv is the seconds, then the question. It prints {@code gave up:true} when
     * its time passed, else {@code button returned:} and the button, in this fixed form rather than
     * osascript's own rendering of the dialog's record.
     */
    static final List<String> CONSENT_SCRIPT = script(
            "on run argv",
            "set dialogResult to display dialog (untag(item 2 of argv)) with title \"" + TITLE
                    + "\" buttons {\"Deny\", \"Allow\"}"
                    + " default button \"Allow\" with icon caution giving up after (untag(item 1 of argv) as integer)",
            "if gave up of dialogResult then return \"gave up:true\"",
            "return \"button returned:\" & (button returned of dialogResult)",
            "end run");

    public MacDesktop {
        appFolders = List.copyOf(appFolders);
        binDirs = List.copyOf(binDirs);
    }

    /** The system's folders for the user whose home is {@code home}. */
    static MacDesktop of(Path home) {
        return new MacDesktop(AppBundles.folders(home), SYSTEM_BIN_DIRS);
    }

    @Override
    public String installHint(String program) {
        return program + " is part of macOS; this system's /usr/bin is not the one macOS installs";
    }

    @Override
    public List<App> apps() {
        return AppBundles.scan(appFolders);
    }

    /**
     * Bundles and files that {@code open} runs, installs or follows: applications and other bundles that
     * are folders, Terminal scripts, installer packages, Automator workflows, configuration profiles and
     * location files (which would open a URL no {@code urls} rule allows).
     */
    static final Set<String> RUN_WHEN_OPENED = Set.of(
            "app",
            "command",
            "tool",
            "terminal",
            "pkg",
            "mpkg",
            "workflow",
            "action",
            "jar",
            "prefpane",
            "mobileconfig",
            "webloc",
            "inetloc",
            "fileloc",
            "scptd",
            "osax");

    @Override
    public boolean runsWhenOpened(Path file) {
        return Files.isDirectory(file) || RUN_WHEN_OPENED.contains(DesktopPlatform.extension(file));
    }

    @Override
    public Command open(String target) {
        // A real path is absolute and a URL starts with its scheme: neither can be read as an option.
        return new Command(List.of(helper("open").toString(), target), Map.of());
    }

    @Override
    public Command notify(String summary, String body) {
        return new Command(osascript(NOTIFY_SCRIPT, TITLE, summary, body), Map.of());
    }

    @Override
    public String notifyHint() {
        return "is this a signed-in user's Aqua session, and are notifications allowed for Script Editor in"
                + " System Settings > Notifications?";
    }

    @Override
    public Command consent(String question, int seconds) {
        return new Command(osascript(CONSENT_SCRIPT, Integer.toString(seconds), question), Map.of());
    }

    @Override
    public Answer answer(int exitCode, String output) {
        String said = output.strip();
        if (exitCode != 0) {
            return Answer.NOT_SHOWN; // e.g. "No user interaction allowed" outside an Aqua session
        }
        return switch (said) {
            case "gave up:true" -> Answer.NO_ANSWER;
            case "button returned:Allow" -> Answer.ALLOWED;
            case "button returned:Deny" -> Answer.DENIED;
            default -> Answer.NOT_SHOWN;
        };
    }

    private static List<String> script(String... run) {
        List<String> lines = new ArrayList<>(List.of(run));
        lines.addAll(UNTAG);
        return List.copyOf(lines);
    }

    private List<String> osascript(List<String> script, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(helper("osascript").toString());
        for (String line : script) {
            argv.add("-e");
            argv.add(line);
        }
        for (String arg : args) {
            argv.add(TAG + arg);
        }
        return argv;
    }
}
