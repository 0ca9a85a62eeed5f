package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * systemd: {@code /etc/systemd/system/enginex-agent.service} with the same restart policy and
 * hardening as the packages' unit (packaging/src/linux), then {@code systemctl}.
 */
public final class SystemdUnit implements ServicePlatform {
    public static final Path UNIT = Path.of("/etc/systemd/system/enginex-agent.service");

    /** The unit file's text. */
    public static String render(ServiceDefinition service) {
        String exec = service.command().stream().map(SystemdUnit::quote).collect(Collectors.joining(" "));
        return """
                # Written by enginex-agent service install; remove with enginex-agent service uninstall.
                [Unit]
                Description=%s
                Wants=network-online.target
                After=network-online.target
                StartLimitIntervalSec=10min
                StartLimitBurst=5

                [Service]
                Type=exec
                User=%s
                ExecStart=%s
                SuccessExitStatus=143
                RestartPreventExitStatus=3
                Restart=on-failure
                RestartSec=10s
                TimeoutStopSec=20s
                SyslogIdentifier=enginex-agent
                UMask=0077
                # The status page's ui.json (address + per-start secret), readable by group %s only.
                RuntimeDirectory=enginex-agent
                RuntimeDirectoryMode=0755
                SupplementaryGroups=%s
                ReadWritePaths=%s -%s
                NoNewPrivileges=yes
                CapabilityBoundingSet=
                ProtectSystem=strict
                ProtectHome=read-only
                PrivateTmp=yes
                PrivateDevices=yes
                ProtectKernelTunables=yes
                ProtectKernelModules=yes
                ProtectControlGroups=yes
                RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
                RestrictNamespaces=yes
                LockPersonality=yes

                [Install]
                WantedBy=multi-user.target
                """.formatted(
                        ServiceDefinition.DESCRIPTION,
                        service.user() == null ? ServiceDefinition.NAME : service.user(),
                        exec,
                        ServiceDefinition.UI_GROUP,
                        ServiceDefinition.UI_GROUP,
                        quote(service.stateDir().toString()),
                        quote(service.configFile().toString()));
    }

    @Override
    public ServicePlan install(ServiceDefinition service) {
        return new ServicePlan(
                Map.of(UNIT, render(service)),
                List.of(),
                List.of(
                        // The unit names it in SupplementaryGroups; -f: fine when it exists.
                        List.of("groupadd", "-f", "--system", ServiceDefinition.UI_GROUP),
                        List.of("systemctl", "daemon-reload"),
                        List.of("systemctl", "enable", "--now", ServiceDefinition.NAME)),
                false);
    }

    @Override
    public ServicePlan uninstall() {
        return new ServicePlan(
                Map.of(),
                List.of(UNIT),
                List.of(
                        List.of("systemctl", "disable", "--now", ServiceDefinition.NAME),
                        List.of("systemctl", "daemon-reload")),
                true);
    }

    @Override
    public ServicePlan start() {
        return ServicePlan.run(List.of(List.of("systemctl", "start", ServiceDefinition.NAME)));
    }

    @Override
    public ServicePlan stop() {
        return ServicePlan.run(List.of(List.of("systemctl", "stop", ServiceDefinition.NAME)));
    }

    @Override
    public ServicePlan status() {
        return ServicePlan.run(List.of(List.of("systemctl", "status", "--no-pager", ServiceDefinition.NAME)));
    }

    /** systemd's quoting: words with spaces, quotes or backslashes in double quotes, escaped. */
    static String quote(String word) {
        if (!word.isEmpty()
                && word.chars()
                        .noneMatch(c -> c == ' ' || c == '"' || c == '\\' || c == '\'' || c == '%' || c == '$')) {
            return word;
        }
        return "\""
                + word.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("%", "%%")
                        .replace("$", "$$") + "\"";
    }
}
