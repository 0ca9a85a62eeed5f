package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.Chrome;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The desktop tools in a real graphical session: a virtual X server (Xvfb), a D-Bus session bus and
 * a notification daemon of a real user account created for the test, that user's session part
 * ({@code enginex-agent session}) started as that user, and the real hub and agent. The hub
 * dispatches {@code app.launch} and the application runs as that user on that display (its owner and
 * DISPLAY read from /proc); {@code app.open} of {@code ~/Downloads/…} opens the file with the handler
 * the user chose in their own XDG data ({@code xdg-open}), as that user on that display, and refuses a
 * file outside the roots; {@code app.list} reads the user's own applications; {@code desktop.notify}
 * reaches the notification daemon; {@code fs.read} of {@code ~/Downloads/…} (a home root) runs in the
 * user's session part; a job for a user with no session gets {@code no_user_session}; {@code
 * sys.info}, which the policy marks {@code consentRequired}, is shown to the user as a notification (no
 * zenity here, so no dialog), waits for their Allow on the agent's status page, and the hub keeps and
 * shows who allowed it. What reaches the notification daemon is read by {@code dbus-monitor} on the
 * user's session bus. Needs root and Debian's xvfb, dbus (dbus-bin), libnotify-bin,
 * notification-daemon, x11-utils and xdg-utils (scripts/test-prereqs.sh); skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DesktopSessionE2EIT {
    private static final Path NOTIFICATION_DAEMON = Path.of("/usr/lib/notification-daemon/notification-daemon");

    @RegisterExtension
    static final Chrome chrome = new Chrome();

    private final List<OsProcess> session = new ArrayList<>();
    private HubProcess hub;
    private AgentProcess agent;
    private HubApi api;
    private String agentId;
    private String apiSession;
    private String user;
    private long uid;
    private String display;
    private Path dir;
    private Path logs;
    private Path socket;
    /** dbus-monitor on the user's session bus, printing every Notify call made there. */
    private OsProcess monitor;

    @BeforeAll
    void startDesktopHubAndAgent() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name"))
                        && Files.isExecutable(Path.of("/usr/bin/Xvfb"))
                        && Files.isExecutable(Path.of("/usr/bin/dbus-daemon"))
                        && Files.isExecutable(Path.of("/usr/bin/notify-send"))
                        && Files.isExecutable(Path.of("/usr/bin/xmessage"))
                        && Files.isExecutable(Path.of("/usr/bin/dbus-monitor"))
                        && Files.isExecutable(Path.of("/usr/bin/xdg-open"))
                        && Files.isExecutable(NOTIFICATION_DAEMON),
                "needs root, xvfb, dbus (dbus-bin), libnotify-bin, notification-daemon, x11-utils and xdg-utils");
        logs = Jvm.freshLogs(getClass().getSimpleName());
        int n = ThreadLocalRandom.current().nextInt(100, 999);
        user = "exd-" + n;
        display = ":" + n;
        exec("useradd", "--create-home", "--shell", "/usr/sbin/nologin", user);
        uid = Long.parseLong(exec("id", "-u", user).strip());
        dir = Files.createTempDirectory(Path.of("/tmp"), "exd-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        // The user's graphical session: X server, session bus, notification daemon.
        session.add(OsProcess.start(
                "xvfb",
                List.of("Xvfb", display, "-nolisten", "tcp", "-screen", "0", "800x600x24"),
                logs.resolve("xvfb.log"),
                Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(Path.of("/tmp/.X11-unix/X" + n)));
        Path busDir = Files.createDirectories(dir.resolve("bus"));
        exec("chown", user, busDir.toString());
        String bus = "unix:path=" + busDir.resolve("socket");
        session.add(
                asUser("dbus", List.of("/usr/bin/dbus-daemon", "--session", "--nofork", "--address=" + bus), Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(busDir.resolve("socket")));
        Map<String, String> desktop = Map.of("DISPLAY", display, "DBUS_SESSION_BUS_ADDRESS", bus);
        // NO_AT_BRIDGE: no accessibility bus, so nothing but these three runs as the user.
        Map<String, String> daemon = new java.util.HashMap<>(desktop);
        daemon.put("NO_AT_BRIDGE", "1");
        session.add(asUser("notifications", List.of(NOTIFICATION_DAEMON.toString()), daemon));
        // An observer nobody here wrote: what reaches org.freedesktop.Notifications on that bus.
        monitor = asUser(
                "dbus-monitor",
                List.of(
                        "/usr/bin/dbus-monitor",
                        "--session",
                        "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"),
                desktop);
        session.add(monitor);
        // A monitor is told it lost its unique name once the bus has made it one.
        monitor.awaitOutput("NameLost", Duration.ofSeconds(20));

        hub = HubProcess.start(dir.resolve("hub"), logs);
        api = hub.api();
        assertThat(hub.cli(
                                "tenants",
                                "create",
                                "acme",
                                "--data-dir",
                                hub.dataDir().toString())
                        .exitCode())
                .isZero();
        Path root = Files.createDirectories(dir.resolve("files"));
        Path policy = AgentProcess.machinePolicy(dir.resolve("etc"), """
                {"version":1,"roots":[{"path":"%s","mode":"read"},{"path":"~/Downloads","mode":"read"}],
                 "tools":["sys.info","app.list","app.launch","app.open","desktop.notify","fs.read"],
                 "consentRequired":["sys.info"],
                 "apps":[{"id":"org.x.XMessage","argv":["/usr/bin/xmessage","-name","{tag}","EngineX"],
                          "params":{"tag":{"pattern":"[a-z0-9-]{1,32}"}}}]}
                """.formatted(root.toRealPath()));
        socket = dir.resolve("session.sock");
        agent = AgentProcess.of(dir.resolve("agent-state"), root, logs);
        assertThat(agent.register(hub, api.createRegistrationToken("acme")).exitCode())
                .isZero();
        agent.run(List.of(
                "--machine-policy", policy.toString(), "--session-socket", socket.toString(), "--session-users", user));
        agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        apiSession = api.createSession("acme", "desktop");

        // The user's session part, as the user, with their session's variables.
        Map<String, String> env = new java.util.HashMap<>(desktop);
        env.put("HOME", "/home/" + user);
        env.put("XDG_SESSION_TYPE", "x11");
        OsProcess part = asUser(
                "session-part",
                List.of(
                        Jvm.java(),
                        "-Xmx96m",
                        "-jar",
                        Jvm.agentJar().toAbsolutePath().toString(),
                        "session",
                        "--socket",
                        socket.toString(),
                        "--service-user",
                        "root",
                        "--machine-policy",
                        policy.toString()),
                env);
        session.add(part);
        part.awaitOutput("connected to the agent's service", Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() throws Exception {
        session.forEach(OsProcess::kill);
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (user != null) {
            new ProcessBuilder("userdel", "--remove", user).start().waitFor();
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void theHubListsTheConnectedSessionPartInTheApiAndOnTheDashboardsAgentPage() {
        JsonNode part = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> expect(200, api.get("/api/v1/tenants/acme/agents/" + agentId))
                                .body()
                                .path("sessionParts")
                                .path(0),
                        p -> p.isObject());
        assertThat(part.path("user").asText()).isEqualTo(user);
        assertThat(part.path("type").asText()).isEqualTo("x11");
        assertThat(part.path("since").asText()).isNotBlank();
        assertThat(part.has("env")).isFalse();
        assertThat(part.toString()).doesNotContain(display);

        String email = "desk@acme.example";
        String password = "amber kettle quiet river";
        expect(
                201,
                api.post("/api/v1/tenants/acme/users", Map.of("email", email, "role", "viewer", "password", password)));
        WebDriver browser = chrome.driver();
        browser.get(hub.url() + "/ui/agents/" + agentId);
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/"));
        browser.get(hub.url() + "/ui/agents/" + agentId);
        String rows = chrome.visible(By.id("session-parts")).getText();
        assertThat(rows).contains(user, "x11");
        assertThat(browser.findElements(By.id("session-parts-none"))).isEmpty();
    }

    @Test
    void appLaunchStartsTheApplicationAsTheUserOnTheirDisplay() throws Exception {
        JsonNode job =
                run("app.launch", Map.of("app", "org.x.XMessage", "params", Map.of("tag", "e2e-probe"), "user", user));

        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        long pid = job.path("output").path("pid").asLong();
        assertThat(job.path("output").path("user").asText()).isEqualTo(user);
        Path proc = Path.of("/proc/" + pid);
        String status = Files.readString(proc.resolve("status"));
        assertThat(status).containsPattern("(?m)^Uid:\\s+" + uid + "\\s");
        String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
        assertThat(List.of(environ.split("\0"))).contains("DISPLAY=" + display);
        // xmessage exits at once when it cannot open the display; it is still up once it has its window.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> Files.exists(proc));
        new ProcessBuilder("kill", Long.toString(pid)).start().waitFor();
    }

    @Test
    void appListReadsTheUsersOwnApplicationsAndMarksTheAllowedOne() throws Exception {
        Path apps = Path.of("/home/" + user + "/.local/share/applications");
        exec("install", "-d", "-o", user, apps.toString());
        Files.writeString(
                apps.resolve("org.x.XMessage.desktop"),
                "[Desktop Entry]\nType=Application\nName=Probe message\nExec=/usr/bin/xmessage hi\n");

        JsonNode job = run("app.list", Map.of());

        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.path("output").path("apps").toString())
                .contains("{\"id\":\"org.x.XMessage\",\"name\":\"Probe message\",\"hidden\":false,\"allowed\":true}");
    }

    @Test
    void aNotificationReachesTheSessionsNotificationDaemon() {
        JsonNode job = run("desktop.notify", Map.of("summary", "Export ready", "body", "q3.csv"));

        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.path("output").path("user").asText()).isEqualTo(user);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(notifyCalls())
                        .anySatisfy(call -> assertThat(call)
                                .contains("string \"EngineX Edge\"", "string \"Export ready\"", "string \"q3.csv\"")));
    }

    @Test
    void appOpenOpensAFileOfTheUsersDownloadsWithTheirOwnHandlerAsThemOnTheirDisplay() throws Exception {
        // The user's own choice, in their XDG data: text files open in a probe application.
        String home = "/home/" + user;
        exec("install", "-d", "-o", user, home + "/.local", home + "/.local/share", home + "/.config");
        exec("install", "-d", "-o", user, home + "/.local/share/applications");
        writeAsUser(Path.of(home, ".local/share/applications/enginex-probe.desktop"), """
                [Desktop Entry]
                Type=Application
                Name=EngineX probe
                MimeType=text/plain;
                Exec=/usr/bin/xmessage -name enginex-open -file %f
                """);
        writeAsUser(
                Path.of(home, ".config/mimeapps.list"), "[Default Applications]\ntext/plain=enginex-probe.desktop\n");
        Path downloads = Path.of(home, "Downloads");
        exec("install", "-d", "-o", user, "-m", "700", downloads.toString());
        Path notes = downloads.resolve("q3-notes.txt");
        writeAsUser(notes, "totals are in\n");
        Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-------"));
        // In the root lexically, but really /etc/hostname: only the session part sees where it leads.
        Path link = downloads.resolve("hostname.txt");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/etc/hostname"));
        exec("chown", "-h", user, link.toString());

        // Refused, and nothing opened: outside the roots at the service, and through the link in the session part.
        for (String outside : List.of("/etc/hostname", "~/Downloads/hostname.txt")) {
            JsonNode refused = run("app.open", Map.of("path", outside, "user", user));
            assertThat(refused.path("state").asText()).as(refused.toString()).isEqualTo("failed");
            assertThat(refused.path("error").path("code").asText())
                    .as(refused.toString())
                    .isEqualTo("path_outside_root");
        }
        assertThat(processesWith("enginex-open")).isEmpty();
        assertThat(processesWith("/etc/hostname")).isEmpty();

        String id = expect(
                        201,
                        api.dispatch(
                                "acme",
                                apiSession,
                                agentId,
                                "app.open",
                                Map.of("path", "~/Downloads/q3-notes.txt", "user", user)))
                .body()
                .path("id")
                .asText();

        List<Long> handlers = await().atMost(Duration.ofSeconds(30))
                .until(() -> processesWith("enginex-open"), pids -> pids.size() == 1);
        Path proc = Path.of("/proc/" + handlers.get(0));
        try {
            assertThat(Files.readString(proc.resolve("status"))).containsPattern("(?m)^Uid:\\s+" + uid + "\\s");
            String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
            assertThat(List.of(environ.split("\0"))).contains("DISPLAY=" + display);
            assertThat(cmdline(proc))
                    .containsExactly(
                            "/usr/bin/xmessage",
                            "-name",
                            "enginex-open",
                            "-file",
                            notes.toRealPath().toString());
            // Up with its window: xmessage exits at once when it cannot open the display or the file.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> Files.exists(proc));

            JsonNode job = api.awaitJob("acme", id);
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
            assertThat(job.path("output").path("path").asText())
                    .isEqualTo(notes.toRealPath().toString());
            assertThat(job.path("output").path("user").asText()).isEqualTo(user);
            // No desktop environment here: xdg-open runs the handler itself, and still does.
            assertThat(job.path("output").path("running").asBoolean())
                    .as(job.toString())
                    .isTrue();
            assertThat(proc).as("the opened application is left running").exists();
        } finally {
            new ProcessBuilder("kill", proc.getFileName().toString()).start().waitFor();
        }
    }

    @Test
    void aFileInTheUsersDownloadsIsReadInTheirSessionPart() throws Exception {
        Path downloads = Path.of("/home/" + user + "/Downloads");
        exec("install", "-d", "-o", user, "-m", "700", downloads.toString());
        Files.writeString(downloads.resolve("q3.csv"), "region,total\n");
        exec("chown", user, downloads.resolve("q3.csv").toString());
        Files.setPosixFilePermissions(downloads.resolve("q3.csv"), PosixFilePermissions.fromString("rw-------"));

        JsonNode job = run("fs.read", Map.of("path", "~/Downloads/q3.csv"));

        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.path("output").path("content").asText()).isEqualTo("region,total\n");
        assertThat(job.path("output").path("user").asText()).isEqualTo(user);
    }

    @Test
    void aJobForAUserWhoIsNotSignedInGetsNoUserSession() {
        JsonNode job = run("desktop.notify", Map.of("summary", "hello", "user", "nobody-here"));

        assertThat(job.path("state").asText()).isEqualTo("failed");
        assertThat(job.path("error").path("code").asText()).isEqualTo("no_user_session");
        assertThat(job.path("error").path("message").asText())
                .contains("nobody-here")
                .contains(user);
    }

    @Test
    void aConsentMarkedToolRunsOnlyOnceTheUserAllowsItOnTheStatusPageAndTheHubShowsTheEvidence() throws Exception {
        assumeTrue(!Files.exists(Path.of("/usr/bin/zenity")), "zenity would show a dialog here");
        String id = expect(201, api.dispatch("acme", apiSession, agentId, "sys.info", Map.of()))
                .body()
                .path("id")
                .asText();

        // No dialog can be shown: the request reaches the person as a notification pointing to the page.
        String asked = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> notifyCalls().stream()
                                .filter(call -> call.contains("A job wants to run sys.info"))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
        assertThat(asked)
                .contains(
                        "string \"EngineX Edge asks for your consent\"",
                        "Allow or deny it on the agent's status page (run: enginex-agent ui)");

        // A link asked for with the secret of ui.json may name the user but proves nothing: it cannot answer.
        JsonNode ui = io.enginex.edge.e2e.support.Json.read(agent.stateDir().resolve("ui.json"));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String claimedLink = io.enginex.edge.e2e.support.Json.parse(http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                ui.path("url").asText() + "api/login-links"))
                                        .header(
                                                "Authorization",
                                                "Bearer " + ui.path("secret").asText())
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                                "{\"user\":\"" + user + "\"}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("url")
                .asText();
        String claimed = signIn(http, claimedLink);

        // The user runs enginex-agent ui in their own session: the agent makes the link over the session
        // channel, for the user the kernel names (the user cannot read ui.json at all).
        OsProcess uiCommand = asUser(
                "ui-command",
                List.of(
                        Jvm.java(),
                        "-jar",
                        Jvm.agentJar().toAbsolutePath().toString(),
                        "ui",
                        "--no-browser",
                        "--session-socket",
                        socket.toString(),
                        "--service-user",
                        "root"),
                Map.of());
        assertThat(uiCommand.awaitExit(Duration.ofSeconds(60)))
                .as(uiCommand.output())
                .isZero();
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile(
                        "(http://127\\.0\\.0\\.1:\\d+/login\\?code=\\S+)")
                .matcher(uiCommand.output());
        assertThat(printed.find()).as(uiCommand.output()).isTrue();
        assertThat(uiCommand.output()).doesNotContain("Note:");
        String cookie = signIn(http, printed.group(1));
        String page = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> http.send(
                                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                        ui.path("url").asText()))
                                                .header("Cookie", cookie)
                                                .build(),
                                        java.net.http.HttpResponse.BodyHandlers.ofString())
                                .body(),
                        html -> html.contains(id));
        assertThat(page).contains("sys.info", ">Allow<");
        assertThat(expect(200, api.get("/api/v1/tenants/acme/jobs/" + id))
                        .body()
                        .path("state")
                        .asText())
                .isNotEqualTo("succeeded");
        java.util.regex.Matcher request = java.util.regex.Pattern.compile("name=\"request\" value=\"([^\"]+)\"")
                .matcher(page);
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(page);
        assertThat(request.find() && csrf.find()).as(page).isTrue();
        String claimedPage = http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(ui.path("url").asText()))
                                .header("Cookie", claimed)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher claimedCsrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(claimedPage);
        assertThat(claimedCsrf.find()).as(claimedPage).isTrue();
        java.net.http.HttpResponse<String> unproven =
                allow(http, ui.path("url").asText(), claimed, claimedCsrf.group(1), request.group(1));
        assertThat(unproven.statusCode()).as(unproven.body()).isEqualTo(403);
        assertThat(unproven.body()).contains("without proving it");
        assertThat(allow(http, ui.path("url").asText(), cookie, csrf.group(1), request.group(1))
                        .statusCode())
                .isEqualTo(303);

        JsonNode job = api.awaitJob("acme", id);
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        JsonNode consent = job.path("consent");
        assertThat(consent.path("answer").asText()).as(job.toString()).isEqualTo("allowed");
        assertThat(consent.path("answeredBy").asText()).isEqualTo(user);
        assertThat(consent.path("via").asText()).isEqualTo("status page");
        assertThat(consent.path("shown").asText()).contains("sys.info", id);
        assertThat(consent.path("answeredAt").asText()).isNotBlank();
        if (consent.hasNonNull("requestedBy")) {
            assertThat(asked)
                    .contains(", asked by " + consent.path("requestedBy").asText() + ".");
        }
        JsonNode audit = expect(200, api.get("/api/v1/tenants/acme/audit?type=consent.answered"))
                .body();
        assertThat(audit.toString()).contains(id, user, "status page");

        // The session page shows the same evidence, in a real browser.
        String email = "consent@acme.example";
        String password = "amber kettle quiet lake";
        expect(
                201,
                api.post("/api/v1/tenants/acme/users", Map.of("email", email, "role", "viewer", "password", password)));
        WebDriver browser = chrome.driver();
        browser.manage().deleteAllCookies();
        browser.get(hub.url() + "/ui/sessions/" + apiSession);
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/login"));
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        chrome.waiting(20).until(ExpectedConditions.urlContains("/ui/"));
        browser.get(hub.url() + "/ui/sessions/" + apiSession);
        String row = chrome.visible(By.cssSelector("[data-job='" + id + "'] tr.consent"))
                .getText();
        assertThat(row).contains("allowed", user, "status page", "sys.info");
    }

    private JsonNode run(String tool, Object args) {
        String id = expect(201, api.dispatch("acme", apiSession, agentId, tool, args))
                .body()
                .path("id")
                .asText();
        return api.awaitJob("acme", id);
    }

    /** Presses Allow on the status page at {@code pageUrl} for {@code request}, signed in with {@code cookie}. */
    private static java.net.http.HttpResponse<String> allow(
            java.net.http.HttpClient http, String pageUrl, String cookie, String csrf, String request)
            throws Exception {
        return http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(pageUrl + "consents"))
                        .header("Cookie", cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "csrf=" + csrf + "&request=" + request + "&answer=allow"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Opens a login link: the page's session cookie ({@code name=value}). */
    private static String signIn(java.net.http.HttpClient http, String link) throws Exception {
        return http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(link))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .headers()
                .firstValue("Set-Cookie")
                .orElseThrow()
                .split(";")[0];
    }

    /** The Notify calls dbus-monitor has seen on the user's session bus, each with its arguments. */
    private List<String> notifyCalls() {
        return java.util.Arrays.stream(monitor.output().split("(?m)^(?=method call )"))
                .filter(call -> call.startsWith("method call ") && call.contains("member=Notify"))
                .toList();
    }

    /** Processes with {@code argument} as one of their command line's arguments. */
    private static List<Long> processesWith(String argument) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> cmdline(p).contains(argument))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        }
    }

    /** A process's arguments; none once it has gone. */
    private static List<String> cmdline(Path proc) {
        try {
            String all = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            return all.isEmpty() ? List.of() : List.of(all.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Writes {@code content} to {@code file}, owned by the test user. */
    private void writeAsUser(Path file, String content) throws IOException, InterruptedException {
        Files.writeString(file, content);
        exec("chown", user, file.toString());
    }

    private OsProcess asUser(String name, List<String> command, Map<String, String> env) {
        List<String> full =
                new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "env", "-i"));
        full.add("PATH=/usr/bin:/bin");
        full.add("USER=" + user);
        full.add("HOME=/home/" + user);
        env.forEach((k, v) -> full.add(k + "=" + v));
        full.addAll(command);
        return OsProcess.start(name, full, logs.resolve(name + ".log"), Map.of());
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
