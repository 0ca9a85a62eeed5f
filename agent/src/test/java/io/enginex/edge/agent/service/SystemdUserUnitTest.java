package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-user install's unit, folders, commands and refusals (the booted proof is in systemd-it.sh). */
class SystemdUserUnitTest {
    private final SystemdUserUnit unit = new SystemdUserUnit(Map.of("HOME", "/home/carol"));

    @Test
    void theUnitStateAndConfigAreInTheXdgFoldersOfTheHome() {
        assertThat(unit.unitFile()).isEqualTo(Path.of("/home/carol/.config/systemd/user/enginex-agent.service"));
        assertThat(unit.configFile()).isEqualTo(Path.of("/home/carol/.config/enginex-agent/agent.conf"));
        assertThat(unit.stateDir()).isEqualTo(Path.of("/home/carol/.local/state/enginex-agent"));
    }

    @Test
    void xdgVariablesMoveThemAndARelativeOneIsIgnored() {
        SystemdUserUnit moved = new SystemdUserUnit(
                Map.of("HOME", "/home/carol", "XDG_CONFIG_HOME", "/cfg", "XDG_STATE_HOME", "relative/state"));

        assertThat(moved.unitFile()).isEqualTo(Path.of("/cfg/systemd/user/enginex-agent.service"));
        assertThat(moved.configFile()).isEqualTo(Path.of("/cfg/enginex-agent/agent.conf"));
        assertThat(moved.stateDir()).isEqualTo(Path.of("/home/carol/.local/state/enginex-agent"));
    }

    @Test
    void installWritesTheUserUnitThenEnablesAndStartsItWithTheUsersManager() {
        ServiceDefinition service = new ServiceDefinition(
                List.of(
                        "/home/carol/.local/share/enginex-agent/bin/enginex-agent",
                        "run",
                        "--config",
                        "/home/carol/.config/enginex-agent/agent.conf",
                        "--state-dir",
                        "/home/carol/.local/state/enginex-agent"),
                null,
                unit.stateDir(),
                unit.configFile());

        ServicePlan plan = unit.install(service);

        assertThat(plan.write()).containsOnlyKeys(unit.unitFile());
        assertThat(plan.commands())
                .containsExactly(
                        List.of("systemctl", "--user", "daemon-reload"),
                        List.of("systemctl", "--user", "enable", "--now", "enginex-agent.service"));
        assertThat(plan.directories()).containsExactly(unit.stateDir(), Path.of("/home/carol/.config/enginex-agent"));
        assertThat(plan.touch()).containsExactly(unit.configFile());
        String text = plan.write().get(unit.unitFile());
        assertThat(text)
                .contains("ExecStart=/home/carol/.local/share/enginex-agent/bin/enginex-agent run --config")
                .contains("Restart=on-failure", "SuccessExitStatus=143", "RestartPreventExitStatus=3")
                .contains("NoNewPrivileges=yes", "WantedBy=default.target")
                // A user's manager has no other account to switch to, nor root's sandbox.
                .doesNotContain("User=", "SupplementaryGroups", "RuntimeDirectory", "ProtectSystem", "multi-user");
    }

    @Test
    void uninstallDisablesAndDeletesTheUnitKeepingStateAndConfig() {
        ServicePlan plan = unit.uninstall();

        assertThat(plan.commands())
                .containsExactly(
                        List.of("systemctl", "--user", "disable", "--now", "enginex-agent.service"),
                        List.of("systemctl", "--user", "daemon-reload"));
        assertThat(plan.delete()).containsExactly(unit.unitFile());
        assertThat(plan.ignoreFailures()).isTrue();
    }

    @Test
    void refusesRootOtherSystemsAndAMissingUserManagerWithTheWayOut() {
        assertThat(SystemdUserUnit.refusal("Linux", 1000, true)).isNull();
        assertThat(SystemdUserUnit.refusal("Linux", 0, true))
                .contains("not for root")
                .contains("sudo enginex-agent service install");
        assertThat(SystemdUserUnit.refusal("Linux", 1000, false))
                .contains("systemd --user is not available")
                .contains("loginctl enable-linger");
        assertThat(SystemdUserUnit.refusal("Windows 11", 1000, true)).contains("--per-user is for Linux");
    }

    @Test
    void lingerAdviceSaysHowToKeepItRunningWithoutALogin() {
        assertThat(SystemdUserUnit.lingerAdvice("carol", false)).contains("loginctl enable-linger carol");
        assertThat(SystemdUserUnit.lingerAdvice("carol", true)).contains("Lingering is on");
    }

    @Test
    void aUserWithoutAHomeIsToldSo() {
        assertThatThrownBy(() -> new SystemdUserUnit(Map.of())).hasMessageContaining("HOME is not set");
    }
}
