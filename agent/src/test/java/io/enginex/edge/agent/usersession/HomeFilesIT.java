package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.pause.PauseFile;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.runtime.ConsentAudit;
import io.enginex.edge.agent.runtime.PolicySetup;
import io.enginex.edge.agent.tools.DesktopTools;
import io.enginex.edge.agent.tools.HomeFileTool;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.ui.GraphStarter;
import io.enginex.edge.agent.ui.StatusPage;
import io.enginex.edge.protocol.ErrorCodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * File tools on a home root ({@code ~/Downloads}) through the real session part: the packaged agent
 * ({@code target/enginex-agent.jar}) runs {@code session} as a user created for the test ({@code
 * setpriv}), connects to the service's socket, and runs the routed {@code fs.*} calls, and {@code
 * app.open}'s {@code xdg-open}, as that user.
 * Needs root (CI runs the build as root) and the packaged jar; skipped otherwise.
 */
@Timeout(90)
class HomeFilesIT {
    private static final Path JAR = Path.of("target", "enginex-agent.jar");

    private final ObjectMapper mapper = new ObjectMapper();
    private String user;
    private Path home;
    private Path dir;
    private SessionRegistry registry;
    private SessionServer server;
    private Process part;

    @BeforeEach
    void userServiceAndPolicy() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name"))
                        && Files.isExecutable(Path.of("/usr/sbin/useradd"))
                        && Files.isRegularFile(JAR),
                "needs root, useradd and the packaged agent jar");
        user = "exh-" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        run("useradd", "--create-home", "--shell", "/usr/sbin/nologin", user);
        home = Path.of("/home", user);
        Path downloads = home.resolve("Downloads");
        run("install", "-d", "-o", user, "-g", user, "-m", "700", downloads.toString());
        Files.writeString(downloads.resolve("report.txt"), "q3 totals");
        Files.writeString(downloads.resolve("root-only.txt"), "root's");
        Files.setPosixFilePermissions(downloads.resolve("root-only.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(home.resolve("notes.txt"), "outside the root");
        run(
                "install",
                "-d",
                "-o",
                user,
                "-g",
                user,
                "-m",
                "700",
                home.resolve("Documents").toString());
        Files.writeString(home.resolve("Documents/plan.txt"), "not shared by the machine policy");
        Files.createSymbolicLink(downloads.resolve("notes-link.txt"), Path.of("../notes.txt"));
        run(
                "chown",
                user + ":" + user,
                downloads.resolve("report.txt").toString(),
                home.resolve("notes.txt").toString());
        run(
                "chown",
                "-h",
                user + ":" + user,
                downloads.resolve("notes-link.txt").toString());

        dir = Files.createTempDirectory(Path.of("/tmp"), "exh-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path policyFile = dir.resolve("policy.json");
        Files.writeString(policyFile, """
                {"version":1,"roots":[{"path":"~/Downloads","mode":"write"}],
                 "tools":["fs.read","fs.write","app.open"],"urls":["https://intranet.example.com/wiki/"]}
                """);
        Files.setPosixFilePermissions(policyFile, PosixFilePermissions.fromString("rw-r--r--"));
        // What a service that is not to be trusted might claim: more of the home than the machine shares.
        // The user's "browser" for xdg-open (generic desktop: $BROWSER): notes who opened what.
        Path browser = dir.resolve("browser.sh");
        Files.writeString(browser, "#!/bin/sh\necho \"$(id -u) $1\" > \"$HOME/opened.txt\"\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path wider = dir.resolve("wider.json");
        Files.writeString(wider, """
                {"version":1,"roots":[{"path":"~/Downloads","mode":"write"},{"path":"~/Documents","mode":"read"}],
                 "tools":["fs.read"]}
                """);
        Files.setPosixFilePermissions(wider, PosixFilePermissions.fromString("rw-r--r--"));
        registry = new SessionRegistry();
        server = new SessionServer(
                dir.resolve("session.sock"), SessionAccess.parse(user, "root"), registry, (e, u, d) -> {}, mapper);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (part != null) {
            part.destroyForcibly().waitFor();
        }
        if (server != null) {
            server.close();
        }
        if (user != null && home != null) {
            run("userdel", "--remove", user);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void homeFilesAndAppOpenRunInTheSessionPartWithTheUsersOwnRightsAndOnlyInsideThePolicy() throws Exception {
        Policy policy =
                PolicySetup.machine(dir.resolve("policy.json"), null, mapper).policy();
        HomeFileTool read = new HomeFileTool("fs.read", null, policy, registry);
        HomeFileTool write = new HomeFileTool("fs.write", null, policy, registry);

        assertThatThrownBy(() -> read.call(args("path", "~/Downloads/report.txt"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.NO_USER_SESSION));

        startSessionPart();

        JsonNode report = read.call(args("path", "~/Downloads/report.txt"), context());
        assertThat(report.path("content").asText()).isEqualTo("q3 totals");
        assertThat(report.path("path").asText()).isEqualTo("~/Downloads/report.txt");
        assertThat(report.path("user").asText()).isEqualTo(user);

        // Root (the service) could read it; the session part runs with the user's rights and cannot.
        assertThatThrownBy(() -> read.call(args("path", "~" + user + "/Downloads/root-only.txt"), context()))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
                    assertThat(e.getMessage()).contains("root-only.txt", "AccessDenied");
                });
        // A link out of the root, and a path outside it, are refused before anything is read.
        assertThatThrownBy(() -> read.call(args("path", "~/Downloads/notes-link.txt"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT));
        assertThatThrownBy(() -> read.call(args("path", "~/Downloads/../notes.txt"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT));

        // The session part checks the machine policy itself: a wider service policy cannot widen it.
        Policy wider =
                PolicySetup.machine(dir.resolve("wider.json"), null, mapper).policy();
        assertThatThrownBy(() -> new HomeFileTool("fs.read", null, wider, registry)
                        .call(args("path", "~/Documents/plan.txt"), context()))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT);
                    assertThat(e.getMessage()).contains("machine policy");
                });

        write.call(
                mapper.createObjectNode().put("path", "~/Downloads/answer.txt").put("content", "ok"), context());
        Path written = home.resolve("Downloads/answer.txt");
        assertThat(Files.readString(written)).isEqualTo("ok");
        assertThat(Files.getOwner(written, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo(user);

        // app.open through the same session part: xdg-open runs as the user, with their handler.
        Tool open = DesktopTools.create(policy, registry).stream()
                .filter(t -> t.descriptor().name().equals(DesktopTools.APP_OPEN))
                .findFirst()
                .orElseThrow();
        open.call(mapper.createObjectNode().put("url", "https://intranet.example.com/wiki/q3"), context());
        assertThat(Files.readString(home.resolve("opened.txt")).strip())
                .isEqualTo(uid(user) + " https://intranet.example.com/wiki/q3");
        assertThatThrownBy(
                        () -> open.call(mapper.createObjectNode().put("url", "https://evil.example.com/"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY));

        // A file of the home root, written ~/…: resolved and opened in the session part, as the user.
        open.call(args("path", "~/Downloads/report.txt"), context());
        assertThat(Files.readString(home.resolve("opened.txt")).strip())
                .isEqualTo(
                        uid(user) + " " + home.resolve("Downloads/report.txt").toRealPath());
        assertThatThrownBy(() -> open.call(args("path", "~/Documents/plan.txt"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT));
        // The service cannot see through the link; the session part resolves it and refuses.
        assertThatThrownBy(() -> open.call(args("path", "~/Downloads/notes-link.txt"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT));
    }

    @Test
    void aConsentRequestIsAnsweredOnTheStatusPageByItsUserOnlyWhenNoDialogCanBeShown() throws Exception {
        // No zenity on this machine: the session part cannot show the dialog, so the page is the place.
        assumeTrue(!Files.exists(Path.of("/usr/bin/zenity")), "zenity would show a dialog here");
        Clock clock = Clock.systemUTC();
        AuditLog audit = new AuditLog(dir, 1 << 20, 2, clock, mapper);
        ConsentDesk desk = new ConsentDesk(clock, ConsentAudit.of(audit));
        SessionConsent consent = new SessionConsent(registry, desk, clock);
        String secret = "page-secret-page-secret-page-secret-0123";
        try (var pageThreads = Executors.newVirtualThreadPerTaskExecutor();
                StatusPage page = StatusPage.start(
                        0,
                        secret,
                        mapper::createObjectNode,
                        new PauseSwitch(new PauseFile(dir, mapper), clock),
                        GraphStarter.NONE,
                        desk,
                        clock,
                        new SecureRandom(),
                        mapper,
                        pageThreads)) {
            startSessionPart();
            CompletableFuture<Void> asked = CompletableFuture.runAsync(
                    () -> consent.ask(
                            "job-c",
                            "http.request",
                            "erp-token",
                            clock.instant().plusSeconds(50),
                            null,
                            evidence -> {}),
                    Executors.newVirtualThreadPerTaskExecutor());
            await().atMost(Duration.ofSeconds(20)).until(() -> !desk.pending().isEmpty());
            String request = desk.pending().get(0).id();

            HttpClient http = HttpClient.newHttpClient();
            Page mallory = signIn(http, page, secret, "mallory");
            assertThat(mallory.html()).contains("erp-token", "job-c", "Only " + user + " may answer it");
            HttpResponse<String> refused = answer(http, page, mallory, request, "allow");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("this request is for " + user);
            assertThat(asked).isNotDone();

            // A holder of the page's secret may name the user, but that does not prove who answers.
            Page claimed = signIn(http, page, secret, user);
            HttpResponse<String> unproven = answer(http, page, claimed, request, "allow");
            assertThat(unproven.statusCode()).as(unproven.body()).isEqualTo(403);
            assertThat(unproven.body()).contains("without proving it");
            assertThat(asked).isNotDone();

            // The link the session channel makes for the user (as enginex-agent ui asks for it).
            Page own = signIn(http, page.verifiedLoginLink(user));
            assertThat(own.html()).contains("name=\"request\" value=\"" + request + "\"", ">Allow<", ">Deny<");
            HttpResponse<String> allowed = answer(http, page, own, request, "allow");
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(303);
            asked.get(10, TimeUnit.SECONDS); // returns normally only when consented

            HttpResponse<String> again = answer(http, page, own, request, "deny");
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(again.body()).contains("Already answered: allowed by " + user + " (status page)");
            List<JsonNode> lines = Files.readAllLines(audit.path()).stream()
                    .map(this::json)
                    .filter(l -> l.path("event").asText().startsWith("consent."))
                    .toList();
            assertThat(lines)
                    .extracting(l ->
                            l.path("event").asText() + " " + l.path("outcome").asText(""))
                    .containsExactly("consent.asked ", "consent.answered allowed");
            assertThat(lines.get(1).path("by").asText()).isEqualTo(user);
            assertThat(lines.get(1).path("via").asText()).isEqualTo("status page");
            assertThat(lines.get(1).path("jobId").asText()).isEqualTo("job-c");
        }
    }

    @Test
    void withRetryRefusedTheSessionPartWaitsAndTriesAgainInsteadOfExiting() throws Exception {
        // A service that does not (yet) name this user in session-users.
        Path socket = dir.resolve("other.sock");
        try (SessionServer refusing = new SessionServer(
                socket, SessionAccess.parse("somebody-else", "root"), new SessionRegistry(), (e, u, d) -> {}, mapper)) {
            refusing.start();
            part = sessionPart(socket, "--retry-refused");
            await().atMost(Duration.ofSeconds(60))
                    .failFast("the session part exited", () -> !part.isAlive())
                    .until(() -> Files.readString(dir.resolve("session.err")).contains("trying again in 30 s"));
            assertThat(Files.readString(dir.resolve("session.err"))).contains("refused this session");
            assertThat(part.isAlive()).isTrue();
        }
    }

    private record Page(String cookie, String csrf, String html) {}

    private Page signIn(HttpClient http, StatusPage page, String secret, String name) throws Exception {
        HttpResponse<String> link = http.send(
                HttpRequest.newBuilder(URI.create(page.url() + "api/login-links"))
                        .header("Authorization", "Bearer " + secret)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + name + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return signIn(http, json(link.body()).path("url").asText());
    }

    private Page signIn(HttpClient http, String url) throws Exception {
        HttpResponse<String> login =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String html = http.send(
                        HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf("login?"))))
                                .header("Cookie", cookie)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(csrf.find()).as(html).isTrue();
        return new Page(cookie, csrf.group(1), html);
    }

    private static HttpResponse<String> answer(HttpClient http, StatusPage page, Page as, String request, String answer)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(page.url() + "consents"))
                        .header("Cookie", as.cookie())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "csrf=" + as.csrf() + "&request=" + request + "&answer=" + answer))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String uid(String name) throws Exception {
        Process id = new ProcessBuilder("id", "-u", name).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        return out;
    }

    private void startSessionPart() throws Exception {
        part = sessionPart(dir.resolve("session.sock"));
        await().atMost(Duration.ofSeconds(60))
                .failFast("the session part ended", () -> !part.isAlive())
                .until(() -> registry.connected().containsKey(user));
    }

    private Process sessionPart(Path socket, String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                "setpriv",
                "--reuid=" + user,
                "--regid=" + user,
                "--init-groups",
                "env",
                "-i",
                "PATH=/usr/bin:/bin",
                "HOME=" + home,
                "USER=" + user,
                "BROWSER=" + dir.resolve("browser.sh"),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "session",
                "--socket",
                socket.toString(),
                "--service-user",
                "root",
                "--machine-policy",
                dir.resolve("policy.json").toString()));
        command.addAll(List.of(options));
        return new ProcessBuilder(command)
                .redirectOutput(dir.resolve("session.out").toFile())
                .redirectError(dir.resolve("session.err").toFile())
                .start();
    }

    private JsonNode args(String key, String value) {
        return mapper.createObjectNode().put(key, value);
    }

    private static ToolContext context() {
        return ToolContext.detached("job-h", Clock.systemUTC().instant().plusSeconds(20), Clock.systemUTC());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
