package io.enginex.edge.agent.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpdateStateTest {
    @Test
    void aJarOrArchiveInstallSaysSelfUpdateIsNotAvailable() {
        UpdateState state = UpdateState.detect("1.2.3", null, "Linux");

        assertThat(state.mode()).isEqualTo("manual");
        assertThat(state.managedBy()).isNull();
        assertThat(state.selfUpdate()).isFalse();
        assertThat(state.current()).isEqualTo("1.2.3");
        assertThat(state.available()).isNull();
        assertThat(state.detail()).contains("self-update is off");
    }

    @Test
    void packagedInstallsAreManagedByTheirPackageManager() {
        UpdateState windows =
                UpdateState.detect("1.2.3", "C:\\Program Files\\EngineX Agent\\enginex-agent.exe", "Windows 11");
        UpdateState mac =
                UpdateState.detect("1.2.3", "/Applications/EngineX Agent.app/Contents/MacOS/enginex-agent", "Mac OS X");

        assertThat(windows.mode()).isEqualTo("package-manager");
        assertThat(windows.managedBy()).isEqualTo("msi");
        assertThat(windows.detail()).startsWith("managed by the package manager (msi)");
        assertThat(mac.managedBy()).isEqualTo("pkg");
    }
}
