package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows' catalog and helpers: fixed PowerShell scripts that read the free text from environment
 * variables of the child, never from their own text, and the consent script's exit code mapped to an
 * answer. The end-to-end tests run {@link DesktopActions} with a {@link RecordingHelper} shell script
 * named {@code powershell.exe} standing in for Windows PowerShell (a unit test of one class; what the
 * real toast and Popup show is only seen on Windows).
 */
class WindowsDesktopTest {
    /** Ends the string, deletes files, comments out the rest: PowerShell injection if spliced. */
    static final String INJECTION = "'; Remove-Item -Recurse -Force $HOME; $(Stop-Computer) #\"";

    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private Path bin;
    private Path docs;
    private RecordingHelper powershell;
    private DesktopActions actions;

    @BeforeEach
    void setUp() throws Exception {
        bin = Files.createDirectories(temp.resolve("Windows/System32/WindowsPowerShell/v1.0"));
        Path home = Files.createDirectories(temp.resolve("Users/alice"));
        docs = Files.createDirectories(home.resolve("Documents"));
        powershell = RecordingHelper.in(bin, "powershell.exe");
        var machine = new PolicyFile(mapper, FileSystems.getDefault())
                .parse("""
                        {"version":1,"roots":[{"path":"%s","mode":"read"}]}""".formatted(docs).getBytes(StandardCharsets.UTF_8), "machine policy test");
        Path menu = Files.createDirectories(temp.resolve("ProgramData/Microsoft/Windows/Start Menu/Programs/Tools"));
        Files.write(menu.resolve("Calculator.lnk"), new byte[] {0x4c});
        actions = new DesktopActions(
                machine,
                "machine policy test",
                Map.of("SystemRoot", temp.resolve("Windows").toString()),
                home,
                new WindowsDesktop(List.of(menu.getParent()), List.of(bin)));
    }

    @Test
    void theScriptsAreFixedReadTheTextFromTheEnvironmentAndHoldNoDoubleQuote() {
        WindowsDesktop windows = new WindowsDesktop(List.of(), List.of(bin));

        DesktopPlatform.Command consent = windows.consent("Allow " + INJECTION + "?", 30);
        DesktopPlatform.Command notify = windows.notify(INJECTION, "body " + INJECTION);
        DesktopPlatform.Command open = windows.open("C:\\Users\\alice\\" + INJECTION + ".txt");

        assertThat(consent.argv())
                .containsExactly(
                        bin.resolve("powershell.exe").toString(),
                        "-NoProfile",
                        "-NonInteractive",
                        "-Command",
                        WindowsDesktop.CONSENT_SCRIPT);
        assertThat(consent.env())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("ENGINEX_QUESTION", "Allow " + INJECTION + "?", "ENGINEX_SECONDS", "30"));
        assertThat(notify.argv().getLast()).isEqualTo(WindowsDesktop.NOTIFY_SCRIPT);
        assertThat(notify.env())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("ENGINEX_SUMMARY", INJECTION, "ENGINEX_BODY", "body " + INJECTION));
        assertThat(open.argv().getLast()).isEqualTo(WindowsDesktop.OPEN_SCRIPT);
        assertThat(open.env()).containsExactly(Map.entry("ENGINEX_TARGET", "C:\\Users\\alice\\" + INJECTION + ".txt"));
        for (String script :
                List.of(WindowsDesktop.CONSENT_SCRIPT, WindowsDesktop.NOTIFY_SCRIPT, WindowsDesktop.OPEN_SCRIPT)) {
            assertThat(script).doesNotContain("\"", "Remove-Item").contains("$env:ENGINEX_");
        }
        assertThat(WindowsDesktop.CONSENT_SCRIPT)
                .contains("Popup([string]$env:ENGINEX_QUESTION, [int]$env:ENGINEX_SECONDS, 'EngineX Edge', 4 + 32");
        assertThat(WindowsDesktop.NOTIFY_SCRIPT).contains("CreateTextNode([string]$env:ENGINEX_SUMMARY)");
    }

    @Test
    void thePopupsResultIsMappedToAnAnswer() {
        WindowsDesktop windows = new WindowsDesktop(List.of(), List.of());

        assertThat(windows.answer(WindowsDesktop.YES, "")).isEqualTo(DesktopPlatform.Answer.ALLOWED);
        assertThat(windows.answer(WindowsDesktop.NO, "")).isEqualTo(DesktopPlatform.Answer.DENIED);
        assertThat(windows.answer(WindowsDesktop.GAVE_UP, "")).isEqualTo(DesktopPlatform.Answer.NO_ANSWER);
        // PowerShell's own 1 for a script error (no desktop, COM refused) and 0 never mean yes.
        assertThat(windows.answer(1, "")).isEqualTo(DesktopPlatform.Answer.NOT_SHOWN);
        assertThat(windows.answer(0, "")).isEqualTo(DesktopPlatform.Answer.NOT_SHOWN);
        assertThat(windows.answer(2, "")).isEqualTo(DesktopPlatform.Answer.NOT_SHOWN);
    }

    @Test
    void consentThroughAStandInPowerShellGetsTheQuestionInItsEnvironment() throws Exception {
        JsonNode ask = mapper.createObjectNode()
                .put("details", "{\"path\":\"" + INJECTION + "\"}")
                .put("tool", "fs.read")
                .put("jobId", "job_3")
                .put("seconds", 7);

        powershell.reply("", WindowsDesktop.YES);
        JsonNode allowed = actions.handle("consent", ask);
        List<String> env = powershell.env();
        List<String> argv = powershell.args();
        powershell.reply("", WindowsDesktop.NO);
        JsonNode denied = actions.handle("consent", ask);
        powershell.reply("", WindowsDesktop.GAVE_UP);
        JsonNode gaveUp = actions.handle("consent", ask);
        powershell.reply("", 1);
        JsonNode notShown = actions.handle("consent", ask);

        assertThat(allowed.path("consented").asBoolean()).isTrue();
        assertThat(denied.path("answer").asText()).isEqualTo("denied");
        assertThat(gaveUp.path("answer").asText()).isEqualTo("no answer within 7 s");
        assertThat(notShown.path("consented").asBoolean()).isFalse();
        assertThat(notShown.path("answer").asText())
                .isEqualTo("the dialog could not be shown (powershell.exe exited with 1)");
        assertThat(argv).containsExactly("-NoProfile", "-NonInteractive", "-Command", WindowsDesktop.CONSENT_SCRIPT);
        int question = RecordingHelper.VARIABLES.indexOf("ENGINEX_QUESTION");
        assertThat(env.get(question)).contains("fs.read", "job_3", INJECTION);
        assertThat(env.get(RecordingHelper.VARIABLES.indexOf("ENGINEX_SECONDS")))
                .isEqualTo("7");
    }

    @Test
    void notifyAndOpenThroughAStandInPowerShell() throws Exception {
        Path report = Files.writeString(docs.resolve("it's & \"odd\".txt"), "q3");

        actions.handle(
                "notify", mapper.createObjectNode().put("summary", INJECTION).put("body", ""));
        List<String> notified = powershell.env();
        actions.handle(
                "open",
                mapper.createObjectNode()
                        .put("path", report.toString())
                        .set("roots", mapper.createArrayNode().add(docs.toString())));
        List<String> opened = powershell.env();
        powershell.reply("", 1);

        assertThat(notified.get(RecordingHelper.VARIABLES.indexOf("ENGINEX_SUMMARY")))
                .isEqualTo(INJECTION);
        assertThat(notified.get(RecordingHelper.VARIABLES.indexOf("ENGINEX_BODY")))
                .isEmpty();
        assertThat(opened.get(RecordingHelper.VARIABLES.indexOf("ENGINEX_TARGET")))
                .isEqualTo(report.toRealPath().toString());
        assertThatThrownBy(
                        () -> actions.handle("notify", mapper.createObjectNode().put("summary", "hi")))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
                    assertThat(e.getMessage()).contains("powershell.exe exited with 1", "Windows PowerShell");
                });
    }

    @Test
    void openRefusesProgramsScriptsAndShortcutsWhichShellExecuteWouldRunOrFollow() throws Exception {
        for (String name : List.of("setup.exe", "run.BAT", "x.ps1", "Intranet.url", "Tool.lnk", "y.hta")) {
            Path file = Files.writeString(docs.resolve(name), "x");

            assertThatThrownBy(() -> actions.handle(
                            "open",
                            mapper.createObjectNode()
                                    .put("path", file.toString())
                                    .set("roots", mapper.createArrayNode().add(docs.toString()))))
                    .as(name)
                    .isInstanceOfSatisfying(ToolException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
                        assertThat(e.getMessage()).contains("app.open opens documents only");
                    });
        }
        assertThat(powershell.ran()).isFalse();
        WindowsDesktop windows = new WindowsDesktop(List.of(), List.of());
        assertThat(windows.runsWhenOpened(Path.of("report.xlsx"))).isFalse();
        // Windows ignores trailing dots and spaces: "evil.exe. " is evil.exe.
        assertThat(windows.runsWhenOpened(Path.of("evil.exe. "))).isTrue();
        assertThat(windows.runsWhenOpened(docs)).isTrue();
    }

    @Test
    void listAppsReadsTheStartMenu() {
        JsonNode listed = actions.handle("list-apps", mapper.createObjectNode());

        assertThat(listed.path("apps").get(0).path("id").asText()).isEqualTo("Tools/Calculator");
        assertThat(listed.path("apps").get(0).path("name").asText()).isEqualTo("Calculator");
    }

    @Test
    void theHelperComesFromSystemRootAndAMissingOneNamesTheFix() {
        WindowsDesktop system = WindowsDesktop.of(Map.of("SystemRoot", "C:\\Windows"), Path.of("home"));

        assertThat(system.binDirs()).containsExactly(Path.of("C:\\Windows").resolve("System32/WindowsPowerShell/v1.0"));
        assertThatThrownBy(() -> new WindowsDesktop(List.of(), List.of(temp.resolve("none"))).open("https://x/"))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
                    assertThat(e.getMessage()).contains("powershell.exe is not installed in", "Windows PowerShell 5.1");
                });
    }
}
