package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.packages.Downloads;
import java.util.List;

/**
 * The exact commands that install an agent with a new registration token, per OS, as docs/INSTALL.md
 * describes them: the configuration is placed first (a file, or the MSI's properties) so the service's
 * first start enrols silently. Values are single-quoted for the shell (tokens and URLs hold no quotes).
 *
 * @param version the agent package's version, e.g. {@code 0.1.0}
 * @param pin the hub certificate's fingerprint when agents must pin it (a self-signed hub), or null
 * @param published what {@code engine packages publish} put on this hub, or null: then the .deb and .rpm
 *     come from its signed apt and dnf repositories and the MSI and pkg from its /downloads/
 */
public record InstallCommands(String server, String token, String pin, String version, Downloads.Index published) {
    /** Without installers published to the hub: the commands name the package files by their names. */
    public InstallCommands(String server, String token, String pin, String version) {
        this(server, token, pin, version, null);
    }

    /** One OS's way to install: a title, the commands, and a note. */
    public record Way(String id, String title, String commands, String note) {}

    /** The package version of a hub version: {@code 0.1.0-SNAPSHOT} → {@code 0.1.0}; {@code <version>} if unknown. */
    static String packageVersion(String hubVersion) {
        var m = java.util.regex.Pattern.compile("^(\\d+\\.\\d+\\.\\d+)").matcher(hubVersion == null ? "" : hubVersion);
        return m.find() ? m.group(1) : "<version>";
    }

    public List<Way> ways() {
        String conf = "server = " + server + "\\ntoken = " + token + (pin == null ? "" : "\\npin = " + pin) + "\\n";
        String linuxConf = "sudo install -d -m 755 /etc/enginex-agent\n" + "printf '" + conf
                + "' | sudo install -m 600 /dev/stdin /etc/enginex-agent/agent.conf\n";
        String pinFlag = pin == null ? "" : " --pin " + pin;
        if (published != null) {
            return fromHub(linuxConf, conf, pinFlag);
        }
        return List.of(
                new Way(
                        "deb",
                        "Debian, Ubuntu (.deb)",
                        linuxConf + "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ./enginex-agent_" + version
                                + "_amd64.deb",
                        "Silent: the service starts, enrols with this token and deletes it from agent.conf."),
                new Way(
                        "rpm",
                        "RHEL, Fedora, SUSE (.rpm)",
                        linuxConf + "sudo dnf install -y ./enginex-agent-" + version + "-1.x86_64.rpm",
                        "Silent, as for the .deb."),
                new Way(
                        "msi",
                        "Windows (.msi, elevated prompt, GPO or Intune)",
                        "msiexec /i enginex-agent-" + version + ".msi /qn SERVER_URL=" + server + " REGISTRATION_TOKEN="
                                + token + (pin == null ? "" : " SERVER_PIN=" + pin) + " /l*v install.log",
                        "Writes %ProgramData%\\EngineX\\Agent\\agent.conf (the token is hidden from the MSI log) and"
                                + " starts the service."),
                new Way(
                        "pkg",
                        "macOS (.pkg)",
                        "printf '" + conf + "' > enginex-agent.conf    # beside the .pkg (or an MDM profile)\n"
                                + "sudo installer -pkg enginex-agent-" + version + ".pkg -target /",
                        "The postinstall reads enginex-agent.conf beside the package (or the MDM profile"
                                + " io.enginex.agent) and starts the LaunchDaemon."),
                profileWay(),
                new Way(
                        "plain",
                        "Any OS, by hand (enginex-agent on the PATH)",
                        "enginex-agent register --server " + server + " --token " + token + pinFlag + "\n"
                                + "enginex-agent run",
                        "Enrols now, then runs in the foreground; see agent/README.md for the state directory."));
    }

    /**
     * A macOS configuration profile for MDM (Jamf, Intune, Kandji…): one custom-settings payload whose
     * type is the preference domain {@code io.enginex.agent}, so that macOS writes its keys to {@code
     * /Library/Managed Preferences/io.enginex.agent.plist}, where the .pkg's postinstall reads {@code
     * ServerURL}, {@code RegistrationToken} and {@code ServerPin}. Each profile made has new payload
     * UUIDs; the fixed identifiers make a newer one replace an older one on the Mac.
     */
    private Way profileWay() {
        String settings = key("PayloadType", "io.enginex.agent")
                + "      <key>PayloadVersion</key>\n      <integer>1</integer>\n"
                + key("PayloadIdentifier", "io.enginex.agent.enrolment.settings")
                + key("PayloadUUID", java.util.UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT))
                + key("PayloadDisplayName", "EngineX Edge agent enrolment")
                + key("ServerURL", server)
                + key("RegistrationToken", token)
                + (pin == null ? "" : key("ServerPin", pin));
        String profile = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>PayloadContent</key>
                  <array>
                    <dict>
                """
                + settings
                + """
                    </dict>
                  </array>
                  <key>PayloadDisplayName</key>
                  <string>EngineX Edge agent</string>
                  <key>PayloadDescription</key>
                  <string>Where the EngineX Edge agent enrols; read by its installer (.pkg) on first install.</string>
                  <key>PayloadIdentifier</key>
                  <string>io.enginex.agent.enrolment</string>
                  <key>PayloadScope</key>
                  <string>System</string>
                  <key>PayloadType</key>
                  <string>Configuration</string>
                  <key>PayloadUUID</key>
                """
                + "  <string>" + java.util.UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT)
                + "</string>\n"
                + """
                  <key>PayloadVersion</key>
                  <integer>1</integer>
                </dict>
                </plist>
                """;
        return new Way(
                "mobileconfig",
                "macOS with MDM (configuration profile enginex-agent.mobileconfig)",
                profile,
                "Save as enginex-agent.mobileconfig, upload it to the MDM as a custom configuration profile and"
                        + " push it before the .pkg. Local users of the Mac can read managed preferences: use a"
                        + " token with few uses and a short life, and remove the profile once the Macs have enrolled.");
    }

    /** A {@code <key>}/{@code <string>} pair of the profile's payload, XML-escaped. */
    private static String key(String name, String value) {
        String escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return "      <key>" + name + "</key>\n      <string>" + escaped + "</string>\n";
    }

    /** The ways when this hub serves the installers: its repositories and /downloads/. */
    private List<Way> fromHub(String linuxConf, String conf, String pinFlag) {
        String downloads = server + "/downloads";
        String host = java.net.URI.create(server).getHost();
        // A self-signed hub: apt and dnf trust its certificate (compare its fingerprint with the pin).
        String aptTls = pin == null
                ? ""
                : "sudo curl -fsSk -o /etc/apt/keyrings/enginex-hub.pem " + downloads + "/hub-cert.pem\n"
                        + "echo 'Acquire::https::" + host + "::CaInfo \"/etc/apt/keyrings/enginex-hub.pem\";'"
                        + " | sudo tee /etc/apt/apt.conf.d/60enginex-hub >/dev/null\n";
        String curl = pin == null ? "curl -fsSL" : "curl -fsSL --cacert /etc/apt/keyrings/enginex-hub.pem";
        var ways = new java.util.ArrayList<Way>();
        if (published.apt()) {
            ways.add(new Way(
                    "deb",
                    "Debian, Ubuntu (apt repository of this hub)",
                    "sudo install -d -m 755 /etc/apt/keyrings\n" + aptTls
                            + curl + " " + downloads + "/" + "enginex-archive-keyring.gpg"
                            + " | sudo tee /etc/apt/keyrings/enginex-agent.gpg >/dev/null\n"
                            + "printf 'Types: deb\\nURIs: " + downloads + "/apt\\nSuites: stable\\nComponents: main\\n"
                            + "Signed-By: /etc/apt/keyrings/enginex-agent.gpg\\n'"
                            + " | sudo tee /etc/apt/sources.list.d/enginex-agent.sources >/dev/null\n"
                            + linuxConf
                            + "sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y enginex-agent",
                    "Signed repository (key " + published.keyFingerprint() + "): apt upgrade updates the agent."));
        }
        if (published.dnf()) {
            String sslCa = pin == null ? "" : "sslcacert=/etc/pki/enginex-hub.pem\\n";
            ways.add(new Way(
                    "rpm",
                    "RHEL, Fedora (dnf repository of this hub)",
                    (pin == null ? "" : "sudo curl -fsSk -o /etc/pki/enginex-hub.pem " + downloads + "/hub-cert.pem\n")
                            + "printf '[enginex-agent]\\nname=EngineX Edge agent\\nbaseurl=" + downloads + "/rpm\\n"
                            + "gpgcheck=1\\nrepo_gpgcheck=1\\ngpgkey=" + downloads + "/enginex-archive-keyring.asc\\n"
                            + sslCa
                            + "' | sudo tee /etc/yum.repos.d/enginex-agent.repo >/dev/null\n"
                            + linuxConf + "sudo dnf install -y enginex-agent",
                    "Signed packages and metadata (key " + published.keyFingerprint()
                            + "): dnf upgrade updates the agent."));
        }
        published
                .newest("msi")
                .ifPresent(msi -> ways.add(new Way(
                        "msi",
                        "Windows (.msi, elevated prompt, GPO or Intune)",
                        "curl.exe -fsSLO " + downloads + "/" + msi.name() + "\n"
                                + "msiexec /i " + msi.name() + " /qn SERVER_URL=" + server + " REGISTRATION_TOKEN="
                                + token
                                + (pin == null ? "" : " SERVER_PIN=" + pin) + " /l*v install.log",
                        "SHA-256 " + msi.sha256() + "; signature " + msi.name() + ".asc.")));
        published
                .newest("pkg")
                .ifPresent(pkg -> ways.add(new Way(
                        "pkg",
                        "macOS (.pkg)",
                        "curl -fsSLO " + downloads + "/" + pkg.name() + "\n"
                                + "printf '" + conf
                                + "' > enginex-agent.conf    # beside the .pkg (or an MDM profile)\n"
                                + "sudo installer -pkg " + pkg.name() + " -target /",
                        "SHA-256 " + pkg.sha256() + "; signature " + pkg.name() + ".asc.")));
        if (published.newest("pkg").isPresent()) {
            ways.add(profileWay());
        }
        ways.add(new Way(
                "plain",
                "Any OS, by hand (enginex-agent on the PATH)",
                "enginex-agent register --server " + server + " --token " + token + pinFlag + "\n"
                        + "enginex-agent run",
                "Enrols now, then runs in the foreground; see agent/README.md for the state directory."));
        return List.copyOf(ways);
    }
}
