package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code enginex-agent ui} looks for ui.json where the installed service writes it, on every system
 * (macOS and Windows services once wrote it under {@code <base>/state} while {@code ui} read
 * {@code <base>/ui}).
 */
class LocalUiOptionsTest {
    private static final Path USER_STATE = Path.of("/home/alice/.local/state/enginex-agent");
    private static final Map<String, String> WINDOWS_ENV = Map.of("ProgramData", "C:\\ProgramData");

    private static String uiDirOfService(String os, Map<String, String> env) {
        List<String> command = new ServiceCommand.Install().command(os, env);
        return command.get(command.indexOf("--ui-dir") + 1);
    }

    @Test
    void uiReadsFirstWhereTheMacServiceWritesUiJson() {
        List<Path> candidates = new LocalUiOptions().candidates("Mac OS X", Map.of(), USER_STATE);

        assertThat(candidates.get(0).toString())
                .isEqualTo(uiDirOfService("Mac OS X", Map.of()))
                .isEqualTo("/Library/Application Support/EngineX Agent/ui");
        assertThat(candidates)
                .containsExactly(
                        Path.of("/Library/Application Support/EngineX Agent/ui"),
                        Path.of("/Library/Application Support/EngineX Agent/state"),
                        USER_STATE);
    }

    @Test
    void uiReadsFirstWhereTheWindowsServiceWritesUiJson() {
        List<Path> candidates = new LocalUiOptions().candidates("Windows 11", WINDOWS_ENV, USER_STATE);

        assertThat(candidates.get(0)).isEqualTo(Path.of("C:\\ProgramData", "EngineX", "Agent", "ui"));
        assertThat(candidates.get(0).toString()).isEqualTo(uiDirOfService("Windows 11", WINDOWS_ENV));
        assertThat(candidates.get(1)).isEqualTo(Path.of("C:\\ProgramData", "EngineX", "Agent", "state"));
    }

    @Test
    void linuxServiceKeepsItsRuntimeFolderAndGroup() {
        List<Path> candidates = new LocalUiOptions().candidates("Linux", Map.of(), USER_STATE);
        List<String> command = new ServiceCommand.Install().command("Linux", Map.of());

        assertThat(candidates).containsExactly(Path.of("/run/enginex-agent"), USER_STATE);
        assertThat(uiDirOfService("Linux", Map.of())).isEqualTo("/run/enginex-agent");
        assertThat(command).containsSubsequence("--ui-group", "enginex-agent-ui");
    }

    @Test
    void linuxServiceListensWhereTheSessionPartConnectsAsThePackagesUnitDoes() throws Exception {
        List<String> command = new ServiceCommand.Install().command("Linux", Map.of());
        String unit = Files.readString(Path.of("../packaging/src/linux/enginex-agent-enginex-agent.service"));

        assertThat(command).containsSubsequence("--session-socket", new SessionCommand().socket.toString());
        assertThat(new SessionCommand().socket).isEqualTo(Path.of("/run/enginex-agent/session.sock"));
        assertThat(unit).contains("--session-socket /run/enginex-agent/session.sock");
    }

    @Test
    void windowsServiceListensInItsRunFolderWhereTheSessionPartConnects() {
        Path socket = Path.of("C:\\ProgramData", "EngineX", "Agent", "run", "session.sock");

        assertThat(new ServiceCommand.Install().command("Windows 11", WINDOWS_ENV))
                .containsSubsequence("--session-socket", socket.toString());
        assertThat(ServiceCommand.Defaults.sessionSocket("windows 11", WINDOWS_ENV))
                .isEqualTo(socket);
        // The tokens that prove the user lie beside the socket.
        assertThat(io.enginex.edge.agent.usersession.TokenProof.folderOf(socket))
                .isEqualTo(socket.getParent().resolve("sessions"));
    }

    @Test
    void macServiceListensUnderItsFolderWhereTheSessionPartConnects() {
        List<String> command = new ServiceCommand.Install().command("Mac OS X", Map.of());
        Path socket = Path.of("/Library/Application Support/EngineX Agent/run/session.sock");

        assertThat(command).containsSubsequence("--session-socket", socket.toString());
        assertThat(SessionCommand.defaultSocket("mac os x")).isEqualTo(socket);
        // The LaunchDaemon runs as root: only root's socket is used there; Linux also takes the packages' account.
        assertThat(ServiceUserOption.defaultServiceUsers("mac os x")).containsExactly("root");
        assertThat(ServiceUserOption.defaultServiceUsers("linux")).containsExactly("enginex-agent", "root");
        // macOS keeps a Unix socket's path in 104 bytes (sun_path), with its terminating zero.
        assertThat(socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .hasSizeLessThan(104);
    }

    @Test
    void anExplicitUiDirIsTheOnlyPlaceLookedAt() {
        LocalUiOptions options = new LocalUiOptions();
        options.uiDir = Path.of("/srv/ui");

        assertThat(options.candidates("Windows 11", WINDOWS_ENV, USER_STATE)).containsExactly(Path.of("/srv/ui"));
    }
}
