package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macOS's catalog and helpers: the argv for {@code open} and {@code osascript}, with the free text
 * only ever an argument of a fixed script, and the dialog's reply mapped to an answer. The end-to-end
 * tests run {@link DesktopActions} with {@link RecordingHelper} shell scripts standing in for {@code
 * /usr/bin/open} and {@code /usr/bin/osascript} (a unit test of one class; what the real osascript
 * shows is only seen on a Mac).
 */
class MacDesktopTest {
    /** Closes the string, runs a shell command, opens another: AppleScript injection if spliced. */
    static final String INJECTION = "\" & do shell script \"touch /tmp/x\" & \"";

    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private Path apps;
    private RecordingHelper osascript;
    private RecordingHelper open;
    private DesktopActions actions;

    @BeforeEach
    void setUp() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("usr/bin"));
        apps = Files.createDirectories(temp.resolve("Applications"));
        Path home = Files.createDirectories(temp.resolve("Users/alice"));
        osascript = RecordingHelper.in(bin, "osascript");
        open = RecordingHelper.in(bin, "open");
        var machine = new PolicyFile(mapper, FileSystems.getDefault())
                .parse("""
                        {"version":1,"urls":["https://intranet.example.com/wiki/"]}""".getBytes(StandardCharsets.UTF_8), "machine policy test");
        actions = new DesktopActions(
                machine, "machine policy test", Map.of(), home, new MacDesktop(List.of(apps), List.of(bin)));
    }

    @Test
    void consentsFreeTextIsAnArgumentOfAFixedScriptNeverPartOfIt() {
        MacDesktop mac = new MacDesktop(List.of(), List.of(temp.resolve("usr/bin")));

        DesktopPlatform.Command command = mac.consent("Allow " + INJECTION + "?", 30);

        List<String> argv = command.argv();
        int scriptEnd = argv.lastIndexOf(MacDesktop.CONSENT_SCRIPT.getLast()) + 1;
        assertThat(argv.getFirst()).isEqualTo(temp.resolve("usr/bin/osascript").toString());
        assertThat(argv.subList(1, scriptEnd))
                .containsExactlyElementsOf(MacDesktop.CONSENT_SCRIPT.stream()
                        .flatMap(line -> java.util.stream.Stream.of("-e", line))
                        .toList());
        assertThat(argv.subList(scriptEnd, argv.size())).containsExactly(":30", ":Allow " + INJECTION + "?");
        assertThat(String.join("\n", MacDesktop.CONSENT_SCRIPT))
                .contains("on run argv", "buttons {\"Deny\", \"Allow\"}", "default button \"Allow\"")
                .contains("giving up after (untag(item 1 of argv) as integer)")
                .contains("on untag(s)", "return text 2 thru -1 of s")
                .doesNotContain("do shell script");
        assertThat(command.env()).isEmpty();
    }

    @Test
    void aNotificationsSummaryAndBodyReachOsascriptVerbatimAsArguments() throws Exception {
        actions.handle("notify", args("summary", INJECTION, "body", "-e"));

        List<String> got = osascript.args();
        // Each after ":", which the script takes off: none starts with "-", so none is an option of osascript.
        assertThat(got.subList(got.size() - 3, got.size()))
                .containsExactly(":" + DesktopPlatform.TITLE, ":" + INJECTION, ":-e");
        assertThat(got.subList(0, got.size() - 3))
                .containsExactlyElementsOf(MacDesktop.NOTIFY_SCRIPT.stream()
                        .flatMap(line -> java.util.stream.Stream.of("-e", line))
                        .toList());
        assertThat(String.join("\n", MacDesktop.NOTIFY_SCRIPT))
                .contains("display notification (untag(item 3 of argv))")
                .doesNotContain("touch");
    }

    @Test
    void theDialogsReplyIsMappedToAnAnswer() {
        MacDesktop mac = new MacDesktop(List.of(), List.of());

        assertThat(mac.answer(0, "button returned:Allow\n")).isEqualTo(DesktopPlatform.Answer.ALLOWED);
        assertThat(mac.answer(0, "button returned:Deny\n")).isEqualTo(DesktopPlatform.Answer.DENIED);
        assertThat(mac.answer(0, "gave up:true\n")).isEqualTo(DesktopPlatform.Answer.NO_ANSWER);
        assertThat(mac.answer(1, "button returned:Allow\n")).isEqualTo(DesktopPlatform.Answer.NOT_SHOWN);
        assertThat(mac.answer(0, "button returned:Allowed\n")).isEqualTo(DesktopPlatform.Answer.NOT_SHOWN);
        assertThat(mac.answer(0, "")).isEqualTo(DesktopPlatform.Answer.NOT_SHOWN);
    }

    @Test
    void consentThroughAStandInOsascriptGivesEachAnswer() throws Exception {
        JsonNode ask = mapper.readTree("{\"secret\":\"erp-db\",\"tool\":\"exec:erp-export\",\"jobId\":\"job_7\","
                + "\"seconds\":9,\"requestedBy\":\"" + INJECTION.replace("\"", "\\\"") + "\"}");

        osascript.reply("button returned:Allow\n", 0);
        JsonNode allowed = actions.handle("consent", ask);
        List<String> shown = osascript.args();
        osascript.reply("button returned:Deny\n", 0);
        JsonNode denied = actions.handle("consent", ask);
        osascript.reply("gave up:true\n", 0);
        JsonNode gaveUp = actions.handle("consent", ask);
        osascript.reply("0:1: execution error: No user interaction allowed. (-1713)\n", 1);
        JsonNode notShown = actions.handle("consent", ask);

        assertThat(allowed.path("consented").asBoolean()).isTrue();
        assertThat(allowed.path("answer").asText()).isEqualTo("allowed");
        assertThat(denied.path("consented").asBoolean()).isFalse();
        assertThat(denied.path("answer").asText()).isEqualTo("denied");
        assertThat(gaveUp.path("consented").asBoolean()).isFalse();
        assertThat(gaveUp.path("answer").asText()).isEqualTo("no answer within 9 s");
        assertThat(notShown.path("consented").asBoolean()).isFalse();
        assertThat(notShown.path("answer").asText())
                .isEqualTo("the dialog could not be shown (osascript exited with 1)");
        assertThat(shown.get(shown.size() - 2)).isEqualTo(":9");
        assertThat(shown.getLast())
                .startsWith(":A job from")
                .contains("\"erp-db\"", "exec:erp-export", "asked by " + INJECTION);
    }

    @Test
    void consentCloseEndsTheOsascriptDialog() throws Exception {
        osascript.hang();
        CompletableFuture<JsonNode> asked = CompletableFuture.supplyAsync(() -> actions.handle(
                "consent", args("details", "{}", "tool", "app.open", "jobId", "job_9", "request", "req-1")));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> actions.handle("consent-close", args("request", "req-1"))
                        .path("closed")
                        .asBoolean());

        JsonNode answer = asked.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.path("answer").asText()).isEqualTo("closed");
        assertThat(answer.path("consented").asBoolean()).isFalse();
    }

    @Test
    void openPassesTheUrlToOpenAndListAppsReadsTheBundles() throws Exception {
        Path contents = Files.createDirectories(apps.resolve("Safari.app/Contents"));
        Files.writeString(contents.resolve("Info.plist"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <plist version="1.0"><dict><key>CFBundleIdentifier</key><string>com.apple.Safari</string>
                <key>CFBundleName</key><string>Safari</string></dict></plist>
                """);

        actions.handle("open", args("url", "https://intranet.example.com/wiki/Start"));
        JsonNode listed = actions.handle("list-apps", mapper.createObjectNode());

        assertThat(open.args()).containsExactly("https://intranet.example.com/wiki/Start");
        assertThat(listed.path("apps").get(0).path("id").asText()).isEqualTo("com.apple.Safari");
        assertThat(listed.path("apps").get(0).path("name").asText()).isEqualTo("Safari");
        assertThatThrownBy(() -> actions.handle("open", args("url", "https://elsewhere.example.com/")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));
    }

    @Test
    void openRefusesBundlesAndFilesThatOpenWouldRunOrFollow() throws Exception {
        Path docs = Files.createDirectories(temp.resolve("Users/alice/Documents"));
        var policy = "{\"version\":1,\"roots\":[{\"path\":\"" + docs + "\",\"mode\":\"read\"}]}";
        DesktopActions withRoot = new DesktopActions(
                new PolicyFile(mapper, FileSystems.getDefault()).parse(policy.getBytes(StandardCharsets.UTF_8), "p"),
                "p",
                Map.of(),
                temp.resolve("Users/alice"),
                new MacDesktop(List.of(), List.of(temp.resolve("usr/bin"))));
        Files.createDirectories(docs.resolve("Evil.app/Contents"));
        Files.writeString(docs.resolve("run.command"), "#!/bin/sh\n");
        Files.writeString(docs.resolve("Intranet.webloc"), "<plist/>");
        Files.writeString(docs.resolve("report.pdf"), "%PDF");

        for (String name : List.of("Evil.app", "run.command", "Intranet.webloc")) {
            assertThatThrownBy(() -> withRoot.handle("open", openArgs(docs.resolve(name), docs)))
                    .as(name)
                    .isInstanceOfSatisfying(
                            ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));
        }
        assertThat(open.ran()).isFalse();
        withRoot.handle("open", openArgs(docs.resolve("report.pdf"), docs));
        assertThat(open.args())
                .containsExactly(docs.resolve("report.pdf").toRealPath().toString());
    }

    private JsonNode openArgs(Path file, Path root) {
        return mapper.createObjectNode()
                .put("path", file.toString())
                .set("roots", mapper.createArrayNode().add(root.toString()));
    }

    @Test
    void aMissingHelperSaysItIsPartOfMacOs() {
        MacDesktop bare = new MacDesktop(List.of(), List.of(temp.resolve("nothing")));

        assertThatThrownBy(() -> bare.notify("hi", "")).isInstanceOfSatisfying(ToolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
            assertThat(e.getMessage()).contains("osascript is not installed in", "part of macOS");
        });
    }

    private JsonNode args(String... pairs) {
        var node = mapper.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            node.put(pairs[i], pairs[i + 1]);
        }
        return node;
    }
}
