package io.enginex.edge.agent.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session part's actions re-check the machine policy whatever the service sent, and run the
 * helpers (xdg-open, notify-send) with the arguments the policy allows; the helpers here are scripts
 * that record their arguments.
 */
class DesktopActionsTest {
    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private Path bin;
    private Path home;
    private Path docs;
    private DesktopActions actions;

    @BeforeEach
    void setUp() throws Exception {
        bin = Files.createDirectories(temp.resolve("bin"));
        home = Files.createDirectories(temp.resolve("home"));
        docs = Files.createDirectories(home.resolve("Documents"));
        Path zenity = bin.resolve("zenity");
        Files.writeString(
                zenity,
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + temp.resolve("zenity.args")
                        + "\"\nexit $(cat \"" + temp.resolve("zenity.exit") + "\")\n");
        Files.setPosixFilePermissions(zenity, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String helper : List.of("xdg-open", "notify-send")) {
            Path script = bin.resolve(helper);
            Files.writeString(
                    script,
                    "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + temp.resolve(helper + ".args")
                            + "\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String policy = """
                {"version":1,"roots":[{"path":"%s","mode":"read"}],
                 "tools":["app.launch","app.open"],
                 "apps":[{"id":"org.example.Touch","argv":["/usr/bin/touch","{file}"],
                          "params":{"file":{"pattern":"%s/[a-z]+\\\\.txt"}}}],
                 "urls":["https://intranet.example.com/wiki/"]}
                """.formatted(docs, temp);
        Policy machine = new PolicyFile(mapper, FileSystems.getDefault())
                .parse(policy.getBytes(StandardCharsets.UTF_8), "machine policy test");
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");
        actions = new DesktopActions(
                machine, "machine policy test", env, home, new LinuxDesktop(env, home, List.of(bin)));
    }

    @Test
    void launchRunsTheMachinePolicysTemplateWithTheCheckedParameter() {
        Path file = temp.resolve("made.txt");

        JsonNode out = actions.handle(
                "launch", args("{\"app\":\"org.example.Touch\",\"params\":{\"file\":\"" + file + "\"}}"));

        assertThat(out.path("pid").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
    }

    @Test
    void launchRefusesAnApplicationOrParameterTheMachinePolicyDoesNotAllow() {
        assertThatThrownBy(() -> actions.handle("launch", args("{\"app\":\"org.example.Shell\"}")))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
                    assertThat(e.getMessage()).contains("org.example.Shell").contains("org.example.Touch");
                });
        assertThatThrownBy(() -> actions.handle(
                        "launch", args("{\"app\":\"org.example.Touch\",\"params\":{\"file\":\"/etc/passwd\"}}")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));
    }

    @Test
    void openHandsAFileUnderBothRootsToXdgOpen() throws Exception {
        Path report = Files.writeString(docs.resolve("report.txt"), "q3");

        actions.handle("open", args("{\"path\":\"" + report + "\",\"roots\":[\"" + docs + "\"]}"));

        assertThat(Files.readAllLines(temp.resolve("xdg-open.args")))
                .containsExactly(report.toRealPath().toString());
    }

    @Test
    void openRefusesALinkOutOfTheRootAndAPathOutsideTheServicesRoots() throws Exception {
        Path outside = Files.writeString(temp.resolve("secret.txt"), "x");
        Path link = Files.createSymbolicLink(docs.resolve("link.txt"), outside);

        assertThatThrownBy(
                        () -> actions.handle("open", args("{\"path\":\"" + link + "\",\"roots\":[\"" + docs + "\"]}")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT));
        Path inside = Files.writeString(docs.resolve("a.txt"), "x");
        assertThatThrownBy(() -> actions.handle(
                        "open",
                        args("{\"path\":\"" + inside + "\",\"roots\":[\"" + home.resolve("Downloads") + "\"]}")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT));
        assertThat(temp.resolve("xdg-open.args")).doesNotExist();
    }

    @Test
    void openTakesOnlyUrlsUnderAMachineRule() throws Exception {
        actions.handle("open", args("{\"url\":\"https://intranet.example.com/wiki/Start\"}"));
        assertThat(Files.readAllLines(temp.resolve("xdg-open.args")))
                .containsExactly("https://intranet.example.com/wiki/Start");

        assertThatThrownBy(
                        () -> actions.handle("open", args("{\"url\":\"https://intranet.example.com.evil.net/wiki/\"}")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));
    }

    @Test
    void notifyPassesTheTextAfterDoubleDashSoItIsNeverAnOption() throws Exception {
        actions.handle("notify", args("{\"summary\":\"--urgency=critical\",\"body\":\"Backup done\"}"));

        assertThat(Files.readAllLines(temp.resolve("notify-send.args")))
                .containsExactly("--app-name=EngineX Edge", "--", "--urgency=critical", "Backup done");
    }

    @Test
    void consentAsksWithTheSecretsNameAndOnlyAllowCountsAsYes() throws Exception {
        JsonNode ask = args("{\"secret\":\"erp-db\",\"tool\":\"exec:erp-export\",\"jobId\":\"job_7\"}");

        Files.writeString(temp.resolve("zenity.exit"), "0");
        JsonNode allowed = actions.handle("consent", ask);
        List<String> shown = Files.readAllLines(temp.resolve("zenity.args"));
        Files.writeString(temp.resolve("zenity.exit"), "1");
        JsonNode denied = actions.handle("consent", ask);
        Files.writeString(temp.resolve("zenity.exit"), "5");
        JsonNode timedOut = actions.handle("consent", ask);

        assertThat(allowed.path("consented").asBoolean()).isTrue();
        assertThat(denied.path("consented").asBoolean()).isFalse();
        assertThat(denied.path("answer").asText()).isEqualTo("denied");
        assertThat(timedOut.path("consented").asBoolean()).isFalse();
        assertThat(timedOut.path("answer").asText()).contains("no answer");
        assertThat(shown).contains("--question", "--no-markup", "--ok-label=Allow", "--cancel-label=Deny");
        assertThat(String.join("\n", shown)).contains("\"erp-db\"", "exec:erp-export", "job_7");
        assertThatThrownBy(() ->
                        actions.handle("consent", args("{\"secret\":\"<b>x</b>\",\"tool\":\"exec\",\"jobId\":\"j\"}")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS));
    }

    @Test
    void aToolCallsConsentShowsItsArgumentsAsPlainTextNeverMarkup() throws Exception {
        Files.writeString(temp.resolve("zenity.exit"), "0");
        JsonNode allowed = actions.handle(
                "consent",
                args("{\"details\":\"{\\\"url\\\":\\\"https://x.example/<b>\\\"}\",\"tool\":\"app.open\","
                        + "\"jobId\":\"job_8\",\"requestedBy\":\"API key <i>ci-bot</i>\\nAllow\"}"));

        assertThat(allowed.path("answer").asText()).isEqualTo("allowed");
        List<String> shown = Files.readAllLines(temp.resolve("zenity.args"));
        assertThat(shown).contains("--no-markup");
        assertThat(String.join("\n", shown))
                .contains("app.open", "job_8", "https://x.example/<b>")
                .contains("(job job_8, asked by API key <i>ci-bot</i>\\nAllow)");
        // Neither a secret nor details: nothing to ask about.
        assertThatThrownBy(() -> actions.handle("consent", args("{\"tool\":\"app.open\",\"jobId\":\"j\"}")))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS));
    }

    @Test
    void aMissingHelperNamesThePackageToInstall() {
        DesktopActions bare = new DesktopActions(
                new PolicyFile(mapper, FileSystems.getDefault()).parse("{}".getBytes(StandardCharsets.UTF_8), "p"),
                "p",
                Map.of(),
                home,
                new LinuxDesktop(Map.of(), home, List.of(temp.resolve("empty"))));

        assertThatThrownBy(() -> bare.handle("notify", args("{\"summary\":\"hi\"}")))
                .hasMessageContaining("apt-get install libnotify-bin");
    }

    private ObjectNode args(String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
