package io.enginex.edge.agent.desktop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Windows: applications from the Start menu's shortcuts ({@link StartMenuShortcuts}), and Windows
 * PowerShell 5.1 ({@code %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile
 * -NonInteractive -Command SCRIPT}) to open, notify and ask.
 *
 * <p>Each script is a constant; the free text (the target, the summary, the question) reaches it only
 * as an environment variable of the child ({@code $env:ENGINEX_…}), which PowerShell reads as a string
 * and never parses as code. No script holds a double quote, so the Windows command line Java builds for
 * it needs no escaping.
 *
 * <ul>
 *   <li>open: {@code [Diagnostics.Process]::Start(target)}, the shell's default handler (ShellExecute)
 *       for a file or URL. Chosen over {@code rundll32 url.dll,FileProtocolHandler} and {@code
 *       explorer.exe} because the target travels in the environment, not on a command line those parse
 *       their own way (spaces, quotes, {@code &}), and because a missing handler comes back as a non-zero
 *       exit instead of rundll32's exit 0 with an error box, or explorer's exit 1 whatever happened;
 *   <li>notify: a toast (Windows.UI.Notifications, ToastText02) shown under Windows PowerShell's own
 *       registered application id, which a short-lived user process may use; it stays in the
 *       notification centre after the process ends, unlike a NotifyIcon balloon that needs its process
 *       (and its tray icon) kept alive. The text is set as XML text nodes, never parsed as XML;
 *   <li>consent: {@code WScript.Shell}'s {@code Popup} with Yes / No, a question icon, topmost, giving up
 *       after its seconds; the script exits 10 for Yes, 11 for No, 12 when it gave up.
 * </ul>
 */
public record WindowsDesktop(List<Path> startMenus, List<Path> binDirs) implements DesktopPlatform {
    static final String POWERSHELL = "powershell.exe";

    /** The consent script's exit codes, apart from PowerShell's own 1 for an error. */
    static final int YES = 10;

    static final int NO = 11;
    static final int GAVE_UP = 12;

    static final String OPEN_SCRIPT =
            "$ErrorActionPreference = 'Stop'; $null = [Diagnostics.Process]::Start([string]$env:ENGINEX_TARGET)";

    static final String NOTIFY_SCRIPT = String.join(
            "; ",
            "$ErrorActionPreference = 'Stop'",
            "$null = [Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications,"
                    + " ContentType = WindowsRuntime]",
            "$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent("
                    + "[Windows.UI.Notifications.ToastTemplateType]::ToastText02)",
            "$texts = $xml.GetElementsByTagName('text')",
            "$null = $texts.Item(0).AppendChild($xml.CreateTextNode([string]$env:ENGINEX_SUMMARY))",
            "$null = $texts.Item(1).AppendChild($xml.CreateTextNode([string]$env:ENGINEX_BODY))",
            "$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)",
            "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("
                    + "'{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe').Show($toast)");

    /** 4 Yes/No, 32 question icon, 4096 topmost (MB_SYSTEMMODAL). */
    static final String CONSENT_SCRIPT = String.join(
            "; ",
            "$ErrorActionPreference = 'Stop'",
            "$reply = (New-Object -ComObject WScript.Shell).Popup([string]$env:ENGINEX_QUESTION,"
                    + " [int]$env:ENGINEX_SECONDS, '" + TITLE + "', 4 + 32 + 4096)",
            "if ($reply -eq 6) { exit " + YES + " }",
            "if ($reply -eq 7) { exit " + NO + " }",
            "if ($reply -eq -1) { exit " + GAVE_UP + " }",
            "exit 2");

    public WindowsDesktop {
        startMenus = List.copyOf(startMenus);
        binDirs = List.copyOf(binDirs);
    }

    /** The system's folders for the user with {@code env} and {@code home}. */
    static WindowsDesktop of(Map<String, String> env, Path home) {
        Path systemRoot = Path.of(env.getOrDefault("SystemRoot", "C:\\Windows"));
        return new WindowsDesktop(
                StartMenuShortcuts.folders(env, home),
                List.of(systemRoot
                        .resolve("System32")
                        .resolve("WindowsPowerShell")
                        .resolve("v1.0")));
    }

    @Override
    public String installHint(String program) {
        return "Windows PowerShell 5.1 is part of Windows 10, 11 and Server 2016 and later;"
                + " is %SystemRoot% this system's Windows folder?";
    }

    @Override
    public List<App> apps() {
        return StartMenuShortcuts.scan(startMenus);
    }

    /**
     * What ShellExecute runs or follows rather than shows: programs and scripts (the default PATHEXT and
     * the script hosts), installers, control-panel and console files, and shortcuts (which would open a
     * program, or a URL no {@code urls} rule allows). Folders are refused too: opening one is Explorer's.
     */
    static final Set<String> RUN_WHEN_OPENED = Set.of(
            "exe",
            "com",
            "bat",
            "cmd",
            "pif",
            "scr",
            "cpl",
            "msc",
            "msi",
            "msp",
            "msix",
            "appx",
            "appref-ms",
            "application",
            "vbs",
            "vbe",
            "js",
            "jse",
            "wsf",
            "wsh",
            "hta",
            "ps1",
            "psm1",
            "reg",
            "jar",
            "lnk",
            "url",
            "scf",
            "settingcontent-ms",
            "library-ms",
            "search-ms",
            "website",
            "diagcab",
            "inf");

    @Override
    public boolean runsWhenOpened(Path file) {
        return Files.isDirectory(file) || RUN_WHEN_OPENED.contains(DesktopPlatform.extension(file));
    }

    @Override
    public Command open(String target) {
        return powershell(OPEN_SCRIPT, Map.of("ENGINEX_TARGET", target));
    }

    @Override
    public Command notify(String summary, String body) {
        return powershell(NOTIFY_SCRIPT, Map.of("ENGINEX_SUMMARY", summary, "ENGINEX_BODY", body));
    }

    @Override
    public String notifyHint() {
        return "is this a signed-in user's desktop, and are notifications on for Windows PowerShell in"
                + " Settings > System > Notifications?";
    }

    @Override
    public Command consent(String question, int seconds) {
        return powershell(
                CONSENT_SCRIPT, Map.of("ENGINEX_QUESTION", question, "ENGINEX_SECONDS", Integer.toString(seconds)));
    }

    @Override
    public Answer answer(int exitCode, String output) {
        return switch (exitCode) {
            case YES -> Answer.ALLOWED;
            case NO -> Answer.DENIED;
            case GAVE_UP -> Answer.NO_ANSWER;
            default -> Answer.NOT_SHOWN; // 1: PowerShell's error, e.g. no desktop to show a window on
        };
    }

    private Command powershell(String script, Map<String, String> env) {
        return new Command(
                List.of(helper(POWERSHELL).toString(), "-NoProfile", "-NonInteractive", "-Command", script), env);
    }
}
