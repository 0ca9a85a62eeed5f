package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The per-user install on Linux, without administrator rights: a systemd user unit in the user's own
 * {@code ~/.config/systemd/user/enginex-agent.service}, run by the user's service manager ({@code systemd
 * --user}) with the user's rights only, its state and configuration in the XDG folders ({@link #stateDir},
 * {@link #configFile}). No account, group, status-page group or session socket: the agent is the user's.
 * {@code loginctl enable-linger} keeps the user's manager, and so the agent, running without a login and
 * starts it at boot.
 */
public final class SystemdUserUnit {
    public static final String UNIT_NAME = ServiceDefinition.NAME + ".service";

    private final Map<String, String> env;

    /** For the user whose environment is {@code env} (HOME, and XDG_CONFIG_HOME / XDG_STATE_HOME when set). */
    public SystemdUserUnit(Map<String, String> env) {
        this.env = Map.copyOf(env);
        String home = this.env.get("HOME");
        if (home == null || home.isBlank()) {
            throw new IllegalArgumentException("HOME is not set: a per-user install needs the user's home folder");
        }
    }

    private Path home() {
        return Path.of(env.get("HOME"));
    }

    private Path xdg(String variable, String fallback) {
        String value = env.get(variable);
        // The XDG Base Directory spec: a relative value is invalid and ignored.
        return value != null && value.startsWith("/") ? Path.of(value) : home().resolve(fallback);
    }

    /** {@code $XDG_CONFIG_HOME/systemd/user/enginex-agent.service} (default {@code ~/.config/…}). */
    public Path unitFile() {
        return xdg("XDG_CONFIG_HOME", ".config").resolve("systemd/user").resolve(UNIT_NAME);
    }

    /** {@code $XDG_CONFIG_HOME/enginex-agent/agent.conf} (default {@code ~/.config/enginex-agent/agent.conf}). */
    public Path configFile() {
        return xdg("XDG_CONFIG_HOME", ".config").resolve(ServiceDefinition.NAME).resolve("agent.conf");
    }

    /** {@code $XDG_STATE_HOME/enginex-agent} (default {@code ~/.local/state/enginex-agent}). */
    public Path stateDir() {
        return xdg("XDG_STATE_HOME", ".local/state").resolve(ServiceDefinition.NAME);
    }

    /**
     * The unit file's text: the system unit's restart policy; of its sandbox, what an unprivileged user's
     * manager can apply (no new privileges, the same address families). The rest of the system unit's
     * hardening needs a service account and root's manager: here the user's own rights are the limit.
     */
    public static String render(ServiceDefinition service) {
        String exec = service.command().stream().map(SystemdUnit::quote).collect(Collectors.joining(" "));
        return """
                # Written by enginex-agent service install --per-user; remove with enginex-agent service uninstall --per-user.
                [Unit]
                Description=%s (per-user)
                StartLimitIntervalSec=10min
                StartLimitBurst=5

                [Service]
                Type=exec
                ExecStart=%s
                SuccessExitStatus=143
                RestartPreventExitStatus=3
                Restart=on-failure
                RestartSec=10s
                TimeoutStopSec=20s
                SyslogIdentifier=enginex-agent
                UMask=0077
                NoNewPrivileges=yes
                RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
                LockPersonality=yes

                [Install]
                WantedBy=default.target
                """.formatted(ServiceDefinition.DESCRIPTION, exec);
    }

    public ServicePlan install(ServiceDefinition service) {
        return new ServicePlan(
                Map.of(unitFile(), render(service)),
                List.of(),
                List.of(systemctl("daemon-reload"), systemctl("enable", "--now", UNIT_NAME)),
                false,
                List.of(
                        service.stateDir(),
                        service.configFile().toAbsolutePath().getParent()),
                List.of(service.configFile()));
    }

    public ServicePlan uninstall() {
        return new ServicePlan(
                Map.of(),
                List.of(unitFile()),
                List.of(systemctl("disable", "--now", UNIT_NAME), systemctl("daemon-reload")),
                true);
    }

    public ServicePlan start() {
        return ServicePlan.run(List.of(systemctl("start", UNIT_NAME)));
    }

    public ServicePlan stop() {
        return ServicePlan.run(List.of(systemctl("stop", UNIT_NAME)));
    }

    public ServicePlan status() {
        return ServicePlan.run(List.of(systemctl("status", "--no-pager", UNIT_NAME)));
    }

    /**
     * Why a per-user install cannot be done here, or null when it can: not as root (that is the system
     * service's job), only on Linux, and only with a running user manager.
     *
     * @param userManagerRuns whether {@code systemctl --user} reaches this user's manager
     */
    public static String refusal(String os, long uid, boolean userManagerRuns) {
        if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            return "--per-user is for Linux (a systemd user unit); on " + os
                    + " install the service with administrator rights, or run enginex-agent run in the foreground";
        }
        if (uid == 0) {
            return "--per-user installs the agent for the user running the command, not for root: run it as that"
                    + " user without sudo, or install the system service (sudo enginex-agent service install, or the"
                    + " .deb/.rpm)";
        }
        if (!userManagerRuns) {
            return "systemd --user is not available for this user (systemctl --user cannot reach a user manager):"
                    + " log in through a session that starts one (ssh or a desktop login, not su), or ask an admin to run"
                    + " loginctl enable-linger " + System.getProperty("user.name", "USER")
                    + "; or run the agent in the foreground with enginex-agent run";
        }
        return null;
    }

    /** The advice printed after the install: lingering keeps the agent without a login and starts it at boot. */
    public static String lingerAdvice(String user, boolean lingering) {
        if (lingering) {
            return "Lingering is on for " + user + ": the agent keeps running after you log out and starts at boot.";
        }
        return "The agent runs while you are logged in. To keep it running after you log out and start it at boot:\n"
                + "  loginctl enable-linger " + user
                + "    (allowed for yourself on most systems; otherwise ask an admin)";
    }

    private static List<String> systemctl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("systemctl", "--user"));
        command.addAll(List.of(args));
        return command;
    }
}
