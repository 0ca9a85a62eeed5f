package io.enginex.edge.agent.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigFileTest {
    @TempDir
    Path temp;

    @Test
    void readsKeysIgnoringCommentsBlankLinesAndCase() throws Exception {
        Path file = temp.resolve("agent.conf");
        Files.writeString(
                file,
                "# placed by MDM\n\nServer = https://hub.example.com\ntoken=exr_secret\n"
                        + "pin = sha256:AB:CD\nca-file = /etc/ssl/corp.pem\nroot = /srv/share\n");

        AgentConfig config = new AgentConfigFile(file).load();

        assertThat(config.server()).isEqualTo("https://hub.example.com");
        assertThat(config.token()).isEqualTo("exr_secret");
        assertThat(config.pin()).isEqualTo("sha256:AB:CD");
        assertThat(config.caFile()).isEqualTo(Path.of("/etc/ssl/corp.pem"));
        assertThat(config.rootFolder()).contains(Path.of("/srv/share"));
        assertThat(config.canEnrol()).isTrue();
        assertThat(config.toString()).doesNotContain("exr_secret");
    }

    @Test
    void severalServerLinesAndCommasAddUpToTheHubsAddresses() throws Exception {
        Path file = temp.resolve("agent.conf");
        Files.writeString(
                file, "server = https://a.example.com, https://b.example.com\nserver = https://c.example.com\n");

        AgentConfig config = new AgentConfigFile(file).load();

        assertThat(io.enginex.edge.agent.transport.HubAddresses.parse(config.server())
                        .toString())
                .isEqualTo("https://a.example.com,https://b.example.com,https://c.example.com");
    }

    @Test
    void aMissingFileIsAnEmptyConfiguration() {
        assertThat(new AgentConfigFile(temp.resolve("absent.conf")).load()).isEqualTo(AgentConfig.EMPTY);
    }

    @Test
    void theUpdateModeIsTheInstallersChoiceOfSelfOrManaged() throws Exception {
        Path file = temp.resolve("agent.conf");
        Files.writeString(file, "server = https://hub.example.com\nupdate-mode = self\n");
        assertThat(new AgentConfigFile(file).load().updateMode()).isEqualTo("self");

        Files.writeString(file, "server = https://hub.example.com\nupdate-mode = sometimes\n");
        assertThatThrownBy(() -> new AgentConfigFile(file).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 2")
                .hasMessageContaining("update-mode is self")
                .hasMessageContaining("or managed");
        assertThat(AgentConfig.EMPTY.updateMode()).isNull();
    }

    @Test
    void anUnknownKeyNamesTheFileAndLine() throws Exception {
        Path file = temp.resolve("agent.conf");
        Files.writeString(file, "server = https://hub.example.com\nsever = typo\n");

        assertThatThrownBy(() -> new AgentConfigFile(file).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + " line 2")
                .hasMessageContaining("server, token");
    }

    @Test
    void removeTokenKeepsEveryOtherLineAndThePermissions() throws Exception {
        Path file = temp.resolve("agent.conf");
        Files.writeString(file, "# comment\nserver = https://hub.example.com\ntoken = exr_secret\nroot = /srv\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));

        new AgentConfigFile(file).removeToken();

        assertThat(Files.readString(file)).isEqualTo("# comment\nserver = https://hub.example.com\nroot = /srv\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-rw----");
        assertThat(Files.list(temp)).containsExactly(file);
    }

    @Test
    void removeTokenRewritesInPlaceWhenTheDirectoryIsReadOnly() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("etc"));
        Path file = dir.resolve("agent.conf");
        Files.writeString(file, "server = https://hub.example.com\ntoken = exr_secret\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            new AgentConfigFile(file).removeToken();
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(Files.readString(file)).isEqualTo("server = https://hub.example.com\n");
    }
}
