package io.enginex.edge.server.dashboard;

import java.util.List;

/**
 * The exact commands that install an agent with a new registration token, per OS, as docs/INSTALL.md
 * describes them: the configuration is placed first (a file, or the MSI's properties) so the service's
 * first start enrols silently. Values are single-quoted for the shell (tokens and URLs hold no quotes).
 *
 * @param version the agent package's version, e.g. {@code 0.1.0}
 * @param pin the hub certificate's fingerprint when agents must pin it (a self-signed hub), or null
 */
public record InstallCommands(String server, String token, String pin, String version) {
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
                new Way(
                        "plain",
                        "Any OS, by hand (enginex-agent on the PATH)",
                        "enginex-agent register --server " + server + " --token " + token + pinFlag + "\n"
                                + "enginex-agent run",
                        "Enrols now, then runs in the foreground; see agent/README.md for the state directory."));
    }
}
