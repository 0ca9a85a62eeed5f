package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.packages.Downloads;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstallCommandsTest {
    private static final Downloads.Index PUBLISHED = new Downloads.Index(
            "2026-12-04T00:00:00Z",
            "8B4BDFB5FBF1491CA5D32B9018050A892B357148",
            List.of(),
            true,
            true,
            List.of(
                    new Downloads.Download("enginex-agent_0.1.0_amd64.deb", "deb", "amd64", "0.1.0", 1, "aa"),
                    new Downloads.Download("enginex-agent-0.1.0.msi", "msi", "", "0.1.0", 1, "bb")));

    private static InstallCommands.Way way(List<InstallCommands.Way> ways, String id) {
        return ways.stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void withInstallersPublishedDebAndRpmComeFromTheHubsSignedRepositories() {
        var ways = new InstallCommands("https://hub.example.com", "exr_tok", null, "0.1.0", PUBLISHED).ways();
        String apt = way(ways, "deb").commands();
        assertThat(apt)
                .contains("curl -fsSL https://hub.example.com/downloads/enginex-archive-keyring.gpg")
                .contains("URIs: https://hub.example.com/downloads/apt")
                .contains("Signed-By: /etc/apt/keyrings/enginex-agent.gpg")
                .contains("token = exr_tok")
                .contains("apt-get install -y enginex-agent")
                .doesNotContain("CaInfo");
        assertThat(way(ways, "rpm").commands())
                .contains("baseurl=https://hub.example.com/downloads/rpm")
                .contains("repo_gpgcheck=1")
                .contains("dnf install -y enginex-agent");
        assertThat(way(ways, "msi").commands())
                .contains("https://hub.example.com/downloads/enginex-agent-0.1.0.msi")
                .contains("REGISTRATION_TOKEN=exr_tok");
        assertThat(ways).extracting(InstallCommands.Way::id).doesNotContain("pkg");
    }

    @Test
    void aSelfSignedHubsCertificateIsTrustedForItsHostOnly() {
        var ways = new InstallCommands("https://10.0.0.5:8443", "exr_tok", "sha256:AB", "0.1.0", PUBLISHED).ways();
        assertThat(way(ways, "deb").commands())
                .contains("https://10.0.0.5:8443/downloads/hub-cert.pem")
                .contains("Acquire::https::10.0.0.5::CaInfo")
                .contains("curl -fsSL --cacert /etc/apt/keyrings/enginex-hub.pem")
                .contains("pin = sha256:AB");
        assertThat(way(ways, "rpm").commands()).contains("sslcacert=/etc/pki/enginex-hub.pem");
    }

    @Test
    void theMdmProfileIsAPropertyListThatCarriesTheEnrolmentSettingsInTheAgentsPreferenceDomain() throws Exception {
        var ways = new InstallCommands("https://hub.example.com/?a=1&b=2", "exr_tok", "sha256:AB", "0.1.0").ways();
        String profile = way(ways, "mobileconfig").commands();

        // Python's plistlib (not ours) reads it as macOS would: the outer Configuration profile, one
        // payload of the type io.enginex.agent whose keys land in its managed preferences.
        Process python = new ProcessBuilder(
                        "python3",
                        "-c",
                        "import plistlib,sys,json; p=plistlib.loads(sys.stdin.buffer.read()); print(json.dumps(p))")
                .redirectErrorStream(true)
                .start();
        try (var in = python.getOutputStream()) {
            in.write(profile.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as(out).isZero();
        var parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertThat(parsed.path("PayloadType").asText()).isEqualTo("Configuration");
        assertThat(parsed.path("PayloadScope").asText()).isEqualTo("System");
        assertThat(parsed.path("PayloadIdentifier").asText()).isEqualTo("io.enginex.agent.enrolment");
        assertThat(parsed.path("PayloadContent")).hasSize(1);
        var settings = parsed.path("PayloadContent").get(0);
        assertThat(settings.path("PayloadType").asText()).isEqualTo("io.enginex.agent");
        assertThat(settings.path("ServerURL").asText()).isEqualTo("https://hub.example.com/?a=1&b=2");
        assertThat(settings.path("RegistrationToken").asText()).isEqualTo("exr_tok");
        assertThat(settings.path("ServerPin").asText()).isEqualTo("sha256:AB");
        assertThat(settings.path("PayloadUUID").asText())
                .isNotEqualTo(parsed.path("PayloadUUID").asText());

        assertThat(way(new InstallCommands("https://hub.example.com", "exr_tok", null, "0.1.0").ways(), "mobileconfig")
                        .commands())
                .doesNotContain("ServerPin");
    }

    @Test
    void withoutPublishedInstallersTheCommandsNameThePackageFiles() {
        var ways = new InstallCommands("https://hub.example.com", "exr_tok", null, "0.1.0").ways();
        assertThat(way(ways, "deb").commands()).contains("apt-get install -y ./enginex-agent_0.1.0_amd64.deb");
    }
}
