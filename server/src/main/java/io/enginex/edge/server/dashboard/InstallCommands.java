package io.enginex.edge.server.dashboard;

import java.util.List;

/**
 * The exact commands that install an agent with a new registration token, per OS, as docs/INSTALL.md
 * describes them: the configuration file is placed first so the package's first start enrols
 * silently. Values are single-quoted for the shell (tokens and URLs hold no quotes).
 *
 * @param pin the hub certificate's fingerprint when agents must pin it (a self-signed hub), or null
 */
public record InstallCommands(String server, String token, String pin) {
    /** One OS's way to install: a title, the commands, and a note on its state. */
    public record Way(String id, String title, String commands, String note) {}

    public List<Way> ways() {
        String conf = "server = " + server + "\\ntoken = " + token + (pin == null ? "" : "\\npin = " + pin) + "\\n";
        String linuxConf = "sudo install -d -m 755 /etc/enginex-agent\n" + "printf '" + conf
                + "' | sudo install -m 600 /dev/stdin /etc/enginex-agent/agent.conf\n";
        String pinFlag = pin == null ? "" : " --pin " + pin;
        return List.of(
                new Way(
                        "deb",
                        "Debian, Ubuntu (.deb)",
                        linuxConf
                                + "sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ./enginex-agent_*_amd64.deb",
                        "Silent: the package starts the service, which enrols with this token and then deletes it from"
                                + " agent.conf."),
                new Way(
                        "rpm",
                        "RHEL, Fedora, SUSE (.rpm)",
                        linuxConf + "sudo dnf install -y ./enginex-agent-*.x86_64.rpm",
                        "Silent, as for the .deb."),
                new Way(
                        "msi",
                        "Windows (.msi)",
                        "msiexec /i enginex-agent.msi /qn SERVER_URL=" + server + " REGISTRATION_TOKEN=" + token
                                + (pin == null ? "" : " PIN=" + pin),
                        "Writes %ProgramData%\\EngineX\\Agent\\agent.conf. The .msi is built by the installers CI"
                                + " workflow, not here yet (docs/INSTALL.md); until then use the plain command below."),
                new Way(
                        "pkg",
                        "macOS (.pkg)",
                        "sudo mkdir -p '/Library/Application Support/EngineX Agent'\n"
                                + "printf '" + conf
                                + "' | sudo tee '/Library/Application Support/EngineX Agent/agent.conf'"
                                + " >/dev/null\n"
                                + "sudo installer -pkg enginex-agent.pkg -target /",
                        "The .pkg is built by the installers CI workflow, not here yet (docs/INSTALL.md); until then use"
                                + " the plain command below."),
                new Way(
                        "plain",
                        "Any OS, by hand (enginex-agent on the PATH)",
                        "enginex-agent register --server " + server + " --token " + token + pinFlag + "\n"
                                + "enginex-agent run",
                        "Enrols now, then runs in the foreground; see agent/README.md for the state directory."));
    }
}
