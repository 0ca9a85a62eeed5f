package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
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
        assertThat(plan.directories()).hasSize(2);
        assertThat(plan.touch()).containsExactly(Path.of("/ProgramData/EngineX/Agent/agent.conf"));
        assertThat(commands.get(commands.size() - 1)).containsExactly("sc.exe", "start", "enginex-agent");
        assertThat(ServicePlatform.forOs("Windows 11").uninstall().ignoreFailures())
                .isTrue();
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
