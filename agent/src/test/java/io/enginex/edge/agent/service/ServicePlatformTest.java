package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class ServicePlatformTest {
    private final ServiceDefinition service = new ServiceDefinition(
            List.of("/opt/Enginex Agent/bin/enginex-agent", "run", "--config", "/etc/enginex-agent/agent.conf"),
            "enginex-agent",
            Path.of("/var/lib/enginex-agent"),
            Path.of("/etc/enginex-agent/agent.conf"));

    @Test
    void theSystemdUnitRestartsWithBackoffTreatsSigtermAsSuccessAndIsHardened() {
        String unit = SystemdUnit.render(service);

        assertThat(unit)
                .contains(
                        "ExecStart=\"/opt/Enginex Agent/bin/enginex-agent\" run --config /etc/enginex-agent/agent.conf")
                .contains("User=enginex-agent")
                .contains("SuccessExitStatus=143")
                .contains("Restart=on-failure", "RestartSec=10s", "StartLimitBurst=5", "RestartPreventExitStatus=3")
                .contains("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=read-only", "PrivateTmp=yes")
                .contains("ReadWritePaths=/var/lib/enginex-agent -/etc/enginex-agent/agent.conf")
                .contains("WantedBy=multi-user.target");
    }

    @Test
    void systemdQuotingEscapesSpecifiersAndVariables() {
        assertThat(SystemdUnit.quote("/plain")).isEqualTo("/plain");
        assertThat(SystemdUnit.quote("100% $HOME \"x\"")).isEqualTo("\"100%% $$HOME \\\"x\\\"\"");
    }

    @Test
    void linuxInstallWritesTheUnitThenEnablesAndStartsIt() {
        ServicePlan plan = ServicePlatform.forOs("Linux").install(service);

        assertThat(plan.write()).containsOnlyKeys(SystemdUnit.UNIT);
        assertThat(plan.commands())
                .containsExactly(
                        List.of("groupadd", "-f", "--system", "enginex-agent-ui"),
                        List.of("systemctl", "daemon-reload"),
                        List.of("systemctl", "enable", "--now", "enginex-agent"));
        assertThat(plan.write().get(SystemdUnit.UNIT))
                .contains("RuntimeDirectory=enginex-agent", "SupplementaryGroups=enginex-agent-ui");
        assertThat(ServicePlatform.forOs("Linux").uninstall().delete()).containsExactly(SystemdUnit.UNIT);
    }

    @Test
    void theLaunchDaemonIsWellFormedWithTheExpectedKeys() throws Exception {
        String plist = LaunchdDaemon.render(service);

        Document doc = parse(plist);
        Element dict =
                (Element) doc.getDocumentElement().getElementsByTagName("dict").item(0);
        List<String> keys = new ArrayList<>();
        for (Node child = dict.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && e.getTagName().equals("key")) {
                keys.add(e.getTextContent());
            }
        }
        assertThat(keys)
                .containsExactly(
                        "Label",
                        "ProgramArguments",
                        "UserName",
                        "RunAtLoad",
                        "KeepAlive",
                        "ThrottleInterval",
                        "Umask",
                        "StandardErrorPath",
                        "StandardOutPath");
        NodeList arguments = ((Element) dict.getElementsByTagName("array").item(0)).getElementsByTagName("string");
        assertThat(arguments.getLength()).isEqualTo(4);
        assertThat(arguments.item(0).getTextContent()).isEqualTo("/opt/Enginex Agent/bin/enginex-agent");
        assertThat(plist).contains("<string>io.enginex.agent</string>");
        assertThat(ServicePlatform.forOs("Mac OS X").install(service).commands())
                .containsExactly(List.of("launchctl", "bootstrap", "system", LaunchdDaemon.PLIST.toString()));
    }

    @Test
    void theStatusLaunchAgentOpensThePageAtLoginInTheUsersSessionOnly() throws Exception {
        Document doc =
                parse(LaunchdDaemon.renderStatusAgent("/Applications/enginex-agent.app/Contents/MacOS/enginex-agent"));

        Element dict =
                (Element) doc.getDocumentElement().getElementsByTagName("dict").item(0);
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Node child = dict.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                (e.getTagName().equals("key") ? keys : values)
                        .add(
                                e.getTagName().equals("key")
                                        ? e.getTextContent()
                                        : e.getTagName() + ":"
                                                + e.getTextContent().strip().replaceAll("\\s+", " "));
            }
        }
        assertThat(keys)
                .containsExactly(
                        "Label", "ProgramArguments", "RunAtLoad", "KeepAlive", "LimitLoadToSessionType", "ProcessType");
        assertThat(values)
                .containsExactly(
                        "string:io.enginex.agent.ui",
                        "array:/Applications/enginex-agent.app/Contents/MacOS/enginex-agent ui",
                        "true:",
                        "false:",
                        "string:Aqua",
                        "string:Interactive");
        assertThat(ServicePlatform.forOs("Mac OS X").uninstall().delete()).contains(LaunchdDaemon.STATUS_AGENT_PLIST);
    }

    private static final String MAC_LAUNCHER = "/Applications/enginex-agent.app/Contents/MacOS/enginex-agent";

    private static final ServiceDefinition MAC_SERVICE = new ServiceDefinition(
            List.of(
                    MAC_LAUNCHER,
                    "run",
                    "--config",
                    "/Library/Application Support/EngineX Agent/agent.conf",
                    "--session-socket",
                    ServiceDefinition.MACOS_SESSION_SOCKET.toString()),
            null,
            Path.of("/Library/Application Support/EngineX Agent/state"),
            Path.of("/Library/Application Support/EngineX Agent/agent.conf"));

    @Test
    void theSessionLaunchAgentRunsTheSessionPartInEveryAquaLoginAsPlistlibReadsIt() throws Exception {
        JsonNode plist = plistlib(
                LaunchdDaemon.renderSessionAgent(List.of(MAC_LAUNCHER), ServiceDefinition.MACOS_SESSION_SOCKET, null));

        assertThat(plist.path("Label").asText()).isEqualTo("io.enginex.agent.session");
        List<String> arguments = new ArrayList<>();
        plist.path("ProgramArguments").forEach(a -> arguments.add(a.asText()));
        assertThat(arguments.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(arguments.subList(3, arguments.size()))
                .containsExactly(
                        "sh",
                        MAC_LAUNCHER,
                        "session",
                        "--retry-refused",
                        "--socket",
                        "/Library/Application Support/EngineX Agent/run/session.sock");
        assertThat(plist.path("RunAtLoad").booleanValue()).isTrue();
        // Started again after a failure, never after a clean exit.
        assertThat(plist.path("KeepAlive").path("SuccessfulExit").isBoolean()).isTrue();
        assertThat(plist.path("KeepAlive").path("SuccessfulExit").booleanValue())
                .isFalse();
        assertThat(plist.path("LimitLoadToSessionType").asText()).isEqualTo("Aqua");
        assertThat(plist.path("ThrottleInterval").asInt()).isEqualTo(30);
    }

    @Test
    void theSessionLaunchAgentsShellRunsTheAgentWithItsOutputInTheUsersLibraryLogs(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path launcher = dir.resolve("enginex agent");
        Files.writeString(launcher, "#!/bin/sh\necho \"args: $*\"\necho oops >&2\nexit 3\n");
        launcher.toFile().setExecutable(true);
        JsonNode plist =
                plistlib(LaunchdDaemon.renderSessionAgent(List.of(launcher.toString()), Path.of("/s p/x.sock"), null));
        List<String> argv = new ArrayList<>();
        plist.path("ProgramArguments").forEach(a -> argv.add(a.asText()));

        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        Process sh = builder.start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // The agent's exit code reaches launchd (KeepAlive decides on it), its output the user's log.
        assertThat(sh.waitFor()).as(out).isEqualTo(3);
        assertThat(Files.readString(home.resolve("Library/Logs/EngineX/enginex-agent-session.log")))
                .isEqualTo("args: session --retry-refused --socket /s p/x.sock\noops\n");
    }

    @Test
    void macInstallPreparesTheSocketsFolderAndLoadsTheSessionAgentIntoTheLoggedInUsersGuiDomains() {
        ServicePlan plan = new LaunchdDaemon(() -> List.of(501L, 502L)).install(MAC_SERVICE);
        String folder = "/Library/Application Support/EngineX Agent/run";

        assertThat(plan.directories()).containsExactly(Path.of(folder));
        assertThat(plan.write()).containsOnlyKeys(LaunchdDaemon.PLIST, LaunchdDaemon.SESSION_AGENT_PLIST);
        assertThat(plan.commands())
                .containsExactly(
                        List.of("chown", "root:wheel", folder),
                        List.of("chmod", "755", folder),
                        List.of("chmod", "644", "/Library/LaunchAgents/io.enginex.agent.session.plist"),
                        List.of("launchctl", "bootstrap", "system", LaunchdDaemon.PLIST.toString()),
                        List.of(
                                "/bin/sh",
                                "-c",
                                LaunchdDaemon.BOOTSTRAP_GUI,
                                "501",
                                "/Library/LaunchAgents/io.enginex.agent.session.plist"),
                        List.of(
                                "/bin/sh",
                                "-c",
                                LaunchdDaemon.BOOTSTRAP_GUI,
                                "502",
                                "/Library/LaunchAgents/io.enginex.agent.session.plist"));
        assertThat(plan.ignoreFailures()).isFalse();
        // A daemon run as another account (--user) owns the folder, and its session parts accept only it.
        ServiceDefinition asAgent = new ServiceDefinition(
                MAC_SERVICE.command(), "_enginex", MAC_SERVICE.stateDir(), MAC_SERVICE.configFile());
        ServicePlan other = new LaunchdDaemon(List::of).install(asAgent);
        assertThat(other.commands()).contains(List.of("chown", "_enginex", folder));
        assertThat(other.write().get(LaunchdDaemon.SESSION_AGENT_PLIST))
                .contains("<string>--service-user</string>\n    <string>_enginex</string>");
        assertThat(plan.write().get(LaunchdDaemon.SESSION_AGENT_PLIST)).doesNotContain("--service-user");
        // A daemon whose command takes no session parts gets no LaunchAgent and no folder.
        ServicePlan plain = new LaunchdDaemon(() -> List.of(501L)).install(service);
        assertThat(plain.write()).containsOnlyKeys(LaunchdDaemon.PLIST);
        assertThat(plain.directories()).isEmpty();
    }

    @Test
    void loadingIntoAGuiDomainReplacesALoadedCopyAndNeverFailsTheInstall(@TempDir Path dir) throws Exception {
        // A stand-in launchctl that records its calls; "bootstrap" fails when told to.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("calls");
        Files.writeString(
                bin.resolve("launchctl"),
                "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n[ \"$1\" = bootstrap ] && [ -e '" + dir
                        + "/fail' ] && exit 5\nexit 0\n");
        bin.resolve("launchctl").toFile().setExecutable(true);

        for (int run = 1; run <= 2; run++) {
            if (run == 2) {
                Files.createFile(dir.resolve("fail"));
            }
            ProcessBuilder builder = new ProcessBuilder(
                            "/bin/sh", "-c", LaunchdDaemon.BOOTSTRAP_GUI, "501", "/Library/LaunchAgents/x.plist")
                    .redirectErrorStream(true);
            builder.environment().put("PATH", bin + ":/usr/bin:/bin");
            Process sh = builder.start();
            String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sh.waitFor()).as(out).isZero();
            if (run == 2) {
                assertThat(out).contains("the session part starts at the next login of uid 501");
            }
        }
        assertThat(Files.readAllLines(calls))
                .containsExactly(
                        "bootout gui/501/io.enginex.agent.session",
                        "bootstrap gui/501 /Library/LaunchAgents/x.plist",
                        "bootout gui/501/io.enginex.agent.session",
                        "bootstrap gui/501 /Library/LaunchAgents/x.plist");
    }

    @Test
    void macUninstallStopsTheSessionPartsAndDeletesTheAgentAndTheSocket() {
        ServicePlan plan = new LaunchdDaemon(() -> List.of(501L)).uninstall();

        assertThat(plan.commands())
                .containsExactly(
                        List.of("launchctl", "bootout", "system/io.enginex.agent"),
                        List.of("launchctl", "bootout", "gui/501/io.enginex.agent.session"));
        // The socket before its folder, which is then empty.
        assertThat(plan.delete())
                .containsSubsequence(
                        LaunchdDaemon.SESSION_AGENT_PLIST,
                        ServiceDefinition.MACOS_SESSION_SOCKET,
                        ServiceDefinition.MACOS_SESSION_SOCKET.getParent());
        assertThat(plan.ignoreFailures()).isTrue();
    }

    @Test
    void theLoggedInUsersAreThoseALoginwindowRunsForButRoot() {
        String ps = """
                    0 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow
                  501 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow
                  501 /usr/libexec/loginwindowhelper
                  502 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow
                  502 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow
                  503 /bin/zsh
                """;

        assertThat(LaunchdDaemon.guiUsers(ps)).containsExactly(501L, 502L);
        assertThat(LaunchdDaemon.guiUsers("")).isEmpty();
    }

    /** {@code text} as Python's plistlib (not ours) reads it, as JSON. */
    private static JsonNode plistlib(String text) throws Exception {
        Process python = new ProcessBuilder(
                        "python3",
                        "-c",
                        "import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))")
                .redirectErrorStream(true)
                .start();
        try (var in = python.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as(out).isZero();
        return new ObjectMapper().readTree(out);
    }

    @Test
    void theLaunchDaemonKeepsTheAgentAliveExceptAfterACleanExitAndLogsToLibraryLogs() throws Exception {
        Document doc = parse(LaunchdDaemon.render(service));

        Element dict =
                (Element) doc.getDocumentElement().getElementsByTagName("dict").item(0);
        java.util.Map<String, Element> byKey = new java.util.LinkedHashMap<>();
        String key = null;
        for (Node child = dict.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                if (e.getTagName().equals("key")) {
                    key = e.getTextContent();
                } else {
                    byKey.put(key, e);
                }
            }
        }
        assertThat(byKey.get("RunAtLoad").getTagName()).isEqualTo("true");
        Element keepAlive = byKey.get("KeepAlive");
        assertThat(keepAlive.getTagName()).isEqualTo("dict");
        assertThat(keepAlive.getElementsByTagName("key").item(0).getTextContent())
                .isEqualTo("SuccessfulExit");
        assertThat(keepAlive.getElementsByTagName("false").getLength()).isEqualTo(1);
        assertThat(byKey.get("UserName").getTextContent()).isEqualTo("enginex-agent");
        assertThat(byKey.get("StandardOutPath").getTextContent()).isEqualTo("/Library/Logs/EngineX/enginex-agent.log");
        assertThat(byKey.get("StandardErrorPath").getTextContent())
                .isEqualTo("/Library/Logs/EngineX/enginex-agent.log");
    }

    @Test
    void theLaunchDaemonEscapesXml() throws Exception {
        ServiceDefinition odd =
                new ServiceDefinition(List.of("/Applications/A&B <x>/agent"), null, Path.of("/s"), Path.of("/c"));

        Document doc = parse(LaunchdDaemon.render(odd));

        assertThat(doc.getElementsByTagName("array").item(0).getTextContent()).contains("/Applications/A&B <x>/agent");
        assertThat(LaunchdDaemon.render(odd)).doesNotContain("UserName");
    }

    @Test
    void windowsRegistersAnAutoStartServiceThatAnswersTheScmAsAVirtualAccount() {
        ServiceDefinition windows = new ServiceDefinition(
                List.of(
                        "C:\\Program Files\\enginex-agent\\enginex-agent.exe",
                        "run",
                        "--config",
                        "C:\\ProgramData\\EngineX\\Agent\\agent.conf"),
                null,
                Path.of("/ProgramData/EngineX/Agent/state"),
                Path.of("/ProgramData/EngineX/Agent/agent.conf"));

        ServicePlan plan = ServicePlatform.forOs("Windows 11").install(windows);
        List<List<String>> commands = plan.commands();

        assertThat(commands.get(0))
                .containsExactly(
                        "sc.exe",
                        "create",
                        "enginex-agent",
                        "binPath=",
                        "\"\\\"C:\\Program Files\\enginex-agent\\enginex-agent.exe\\\" run --config"
                                + " C:\\ProgramData\\EngineX\\Agent\\agent.conf --windows-service\"",
                        "start=",
                        "auto",
                        "DisplayName=",
                        "EngineX Edge agent",
                        "obj=",
                        "NT SERVICE\\enginex-agent");
        assertThat(commands)
                .anySatisfy(c -> assertThat(c)
                        .startsWith("sc.exe", "failure", "enginex-agent")
                        .endsWith("restart/10000/restart/60000/restart/300000"))
                .contains(List.of("sc.exe", "failureflag", "enginex-agent", "1"))
                .anySatisfy(c -> assertThat(c).startsWith("icacls").endsWith("NT SERVICE\\enginex-agent:(OI)(CI)M"))
                .anySatisfy(c -> assertThat(c).startsWith("icacls").endsWith("NT SERVICE\\enginex-agent:M"));
        assertThat(plan.directories()).hasSize(4);
        assertThat(plan.touch()).containsExactly(Path.of("/ProgramData/EngineX/Agent/agent.conf"));
        assertThat(commands.get(commands.size() - 1)).containsExactly("sc.exe", "start", "enginex-agent");
        assertThat(ServicePlatform.forOs("Windows 11").uninstall().ignoreFailures())
                .isTrue();
    }

    @Test
    void windowsInstallRegistersTheSessionPartsLogonTaskAndTheChannelsFoldersAndUninstallRemovesIt() throws Exception {
        Path base = Path.of("/ProgramData/EngineX/Agent");
        ServiceDefinition windows = new ServiceDefinition(
                List.of("C:\\Program Files\\enginex-agent\\enginex-agent.exe", "run", "--config", "x"),
                null,
                base.resolve("state"),
                base.resolve("agent.conf"));

        ServicePlan plan = ServicePlatform.forOs("Windows 11").install(windows);

        Path xml = base.resolve("session-task.xml");
        assertThat(plan.commands())
                .contains(List.of(
                        "schtasks.exe", "/Create", "/TN", "EngineX Agent Session", "/XML", xml.toString(), "/F"))
                // Users may write the files made in run (the socket: connecting needs it), not the folder.
                .contains(List.of(
                        "icacls",
                        base.resolve("run").toString(),
                        "/grant:r",
                        "*S-1-5-32-545:(OI)(IO)(W)",
                        "NT SERVICE\\enginex-agent:(OI)(CI)M"))
                // The tokens' folder: no inherited entries, nothing for Users.
                .contains(List.of(
                        "icacls",
                        base.resolve("run/sessions").toString(),
                        "/inheritance:r",
                        "/grant:r",
                        "*S-1-5-18:(OI)(CI)F",
                        "*S-1-5-32-544:(OI)(CI)F",
                        "NT SERVICE\\enginex-agent:(OI)(CI)F"));
        assertThat(plan.directories()).contains(base.resolve("run"), base.resolve("run/sessions"));
        // The task is made before the service starts, which is last.
        assertThat(plan.commands().indexOf(WindowsSessionTask.create(xml)))
                .isLessThan(plan.commands().size() - 1);
        assertThat(ServicePlatform.forOs("Windows 11").uninstall().commands())
                .contains(List.of("schtasks.exe", "/Delete", "/TN", "EngineX Agent Session", "/F"));

        var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        org.w3c.dom.Document task = factory.newDocumentBuilder()
                // As written to the file: UTF-16LE with a byte order mark, as Task Scheduler exports its tasks.
                .parse(new java.io.ByteArrayInputStream(
                        ServicePlan.bytes(plan.write().get(xml))));
        var path = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        path.setNamespaceContext(new javax.xml.namespace.NamespaceContext() {
            @Override
            public String getNamespaceURI(String prefix) {
                return "http://schemas.microsoft.com/windows/2004/02/mit/task";
            }

            @Override
            public String getPrefix(String uri) {
                return "t";
            }

            @Override
            public java.util.Iterator<String> getPrefixes(String uri) {
                return List.of("t").iterator();
            }
        });
        assertThat(ServicePlan.bytes(plan.write().get(xml))).startsWith((byte) 0xFF, (byte) 0xFE);
        assertThat(path.evaluate("/t:Task/t:Triggers/t:LogonTrigger/t:Enabled", task))
                .isEqualTo("true");
        // A logon trigger without a UserId fires for every user; the group principal runs it as that user.
        assertThat(path.evaluate("count(/t:Task/t:Triggers/t:LogonTrigger/t:UserId)", task))
                .isEqualTo("0");
        assertThat(path.evaluate("/t:Task/t:Principals/t:Principal/t:GroupId", task))
                .isEqualTo("S-1-5-32-545");
        assertThat(path.evaluate("/t:Task/t:Principals/t:Principal/t:RunLevel", task))
                .isEqualTo("LeastPrivilege");
        assertThat(path.evaluate("/t:Task/t:Principals/t:Principal/@id", task))
                .isEqualTo(path.evaluate("/t:Task/t:Actions/@Context", task));
        assertThat(path.evaluate("/t:Task/t:Settings/t:ExecutionTimeLimit", task))
                .isEqualTo("PT0S");
        assertThat(path.evaluate("/t:Task/t:Settings/t:RestartOnFailure/t:Count", task))
                .isEqualTo("999");
        assertThat(path.evaluate("/t:Task/t:Actions/t:Exec/t:Command", task))
                .isEqualTo("C:\\Program Files\\enginex-agent\\enginex-agent.exe");
        assertThat(path.evaluate("/t:Task/t:Actions/t:Exec/t:Arguments", task)).isEqualTo("session --retry-refused");
    }

    @Test
    void asLocalSystemTheServiceHasNoObjAndNoGrants() {
        ServiceDefinition windows = new ServiceDefinition(
                List.of("agent.exe", "run"), "LocalSystem", Path.of("/s/state"), Path.of("/s/agent.conf"));

        List<List<String>> commands =
                ServicePlatform.forOs("Windows Server 2022").install(windows).commands();

        assertThat(commands.get(0)).doesNotContain("obj=");
        assertThat(commands).noneSatisfy(c -> assertThat(String.join(" ", c)).contains("NT SERVICE"));
    }

    @Test
    void windowsArgumentsAreQuotedAsTheCRuntimeParsesThem() {
        assertThat(WindowsServices.quote("plain")).isEqualTo("plain");
        assertThat(WindowsServices.quote("")).isEqualTo("\"\"");
        assertThat(WindowsServices.quote("C:\\Program Files\\x")).isEqualTo("\"C:\\Program Files\\x\"");
        assertThat(WindowsServices.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(WindowsServices.quote("C:\\dir with space\\")).isEqualTo("\"C:\\dir with space\\\\\"");
        assertThat(WindowsServices.quote("a\\\"b")).isEqualTo("\"a\\\\\\\"b\"");
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // Well-formedness only: never fetch Apple's DTD.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
