package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * macOS: a LaunchDaemon {@code /Library/LaunchDaemons/io.enginex.agent.plist} (runs at boot, as the
 * given user, kept alive after a crash but not after a clean exit or exit code 3), loaded with {@code
 * launchctl bootstrap system}.
 */
public final class LaunchdDaemon implements ServicePlatform {
    public static final Path PLIST = Path.of("/Library/LaunchDaemons/" + ServiceDefinition.LABEL + ".plist");
    /** The optional per-user LaunchAgent that opens the status page at login (every user of the Mac). */
    public static final Path STATUS_AGENT_PLIST =
            Path.of("/Library/LaunchAgents/" + ServiceDefinition.LABEL + ".ui.plist");

    static final String LOG = "/Library/Logs/EngineX/enginex-agent.log";

    /**
     * The LaunchAgent's text: runs {@code enginex-agent ui} once when a user logs in (the page shows
     * the daemon's connection state, jobs and log tail, with the pause switch), never kept alive, in
     * the Aqua session only. Installed by {@code service install --status-agent} or an MDM profile.
     */
    public static String renderStatusAgent(String launcher) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s.ui</string>
                  <key>ProgramArguments</key>
                  <array>
                    <string>%s</string>
                    <string>ui</string>
                  </array>
                  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <false/>
                  <key>LimitLoadToSessionType</key>
                  <string>Aqua</string>
                  <key>ProcessType</key>
                  <string>Interactive</string>
                </dict>
                </plist>
                """.formatted(ServiceDefinition.LABEL, xml(launcher));
    }

    /** The property list's text. */
    public static String render(ServiceDefinition service) {
        StringBuilder arguments = new StringBuilder();
        for (String word : service.command()) {
            arguments.append("    <string>").append(xml(word)).append("</string>\n");
        }
        String user =
                service.user() == null ? "" : "  <key>UserName</key>\n  <string>" + xml(service.user()) + "</string>\n";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                %s  </array>
                %s  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <dict>
                    <key>SuccessfulExit</key>
                    <false/>
                  </dict>
                  <key>ThrottleInterval</key>
                  <integer>10</integer>
                  <key>Umask</key>
                  <integer>63</integer>
                  <key>StandardErrorPath</key>
                  <string>%s</string>
                  <key>StandardOutPath</key>
                  <string>%s</string>
                </dict>
                </plist>
                """.formatted(ServiceDefinition.LABEL, arguments, user, LOG, LOG);
    }

    @Override
    public ServicePlan install(ServiceDefinition service) {
        return new ServicePlan(
                Map.of(PLIST, render(service)),
                List.of(),
                List.of(List.of("launchctl", "bootstrap", "system", PLIST.toString())),
                false);
    }

    @Override
    public ServicePlan uninstall() {
        return new ServicePlan(
                Map.of(),
                List.of(PLIST, STATUS_AGENT_PLIST),
                List.of(List.of("launchctl", "bootout", "system/" + ServiceDefinition.LABEL)),
                true);
    }

    @Override
    public ServicePlan start() {
        return ServicePlan.run(List.of(List.of("launchctl", "kickstart", "system/" + ServiceDefinition.LABEL)));
    }

    @Override
    public ServicePlan stop() {
        return ServicePlan.run(List.of(List.of("launchctl", "kill", "SIGTERM", "system/" + ServiceDefinition.LABEL)));
    }

    @Override
    public ServicePlan status() {
        return ServicePlan.run(List.of(List.of("launchctl", "print", "system/" + ServiceDefinition.LABEL)));
    }

    static String xml(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
