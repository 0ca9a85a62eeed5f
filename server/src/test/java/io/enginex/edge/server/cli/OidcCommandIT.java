package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.TestOidcProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine oidc set|show|delete} against a running hub and a real OpenID provider: the secret
 * comes from a file and is printed nowhere, what to register at the provider is printed, and the
 * hub's refusals reach the person.
 */
class OidcCommandIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static TestOidcProvider idp;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        idp = TestOidcProvider.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
        idp.close();
    }

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    @Test
    void setShowAndDeleteWithTheSecretFromAFileAndNeverPrinted(@TempDir Path files) throws Exception {
        String tenant = hub.newTenant();
        Path secret = Files.writeString(files.resolve("secret.txt"), "cli-s3cret-value\n");

        var set = engine(
                "oidc",
                "set",
                "--tenant",
                tenant,
                "--issuer",
                idp.issuer("cli"),
                "--client-id",
                "enginex",
                "--client-secret-file",
                secret.toString(),
                "--group",
                "hub-admins=admin",
                "--group",
                "staff=viewer",
                "--name",
                "Acme Login");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out())
                .contains("Single sign-on of tenant " + tenant + " saved.")
                .contains("Acme Login (" + idp.issuer("cli") + ")")
                .contains("hub-admins -> admin")
                .contains("redirect URI:             " + hub.url() + "/ui/login/oidc/callback")
                .contains("Sign-in link for people:    " + hub.url() + "/ui/login?tenant=" + tenant)
                .contains("Logout at the provider:     " + idp.endSession("cli"))
                .doesNotContain("cli-s3cret-value");

        var show = engine("oidc", "show", "--tenant", tenant, "--json");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("\"clientSecretSet\" : true").doesNotContain("cli-s3cret-value");

        // the secret may be left out while the issuer and client stay
        var again = engine(
                "oidc",
                "set",
                "--tenant",
                tenant,
                "--issuer",
                idp.issuer("cli"),
                "--client-id",
                "enginex",
                "--group",
                "staff=operator");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("staff -> operator");

        var deleted = engine("oidc", "delete", "--tenant", tenant);
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        var gone = engine("oidc", "show", "--tenant", tenant);
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.err()).contains("oidc_not_configured");
    }

    @Test
    void aMalformedGroupAndTheHubsRefusalsSayWhatToDo(@TempDir Path files) throws Exception {
        String tenant = hub.newTenant();
        Path secret = Files.writeString(files.resolve("secret.txt"), "x");

        var malformed = engine(
                "oidc",
                "set",
                "--tenant",
                tenant,
                "--issuer",
                idp.issuer("cli"),
                "--client-id",
                "c",
                "--group",
                "staff");
        assertThat(malformed.exitCode()).isNotZero();
        assertThat(malformed.err()).contains("--group staff must be GROUP=ROLE");

        var noSecret = engine(
                "oidc",
                "set",
                "--tenant",
                tenant,
                "--issuer",
                idp.issuer("cli"),
                "--client-id",
                "c",
                "--group",
                "staff=viewer");
        assertThat(noSecret.exitCode()).isNotZero();
        assertThat(noSecret.err()).contains("client_secret_required");

        var plainHttp = engine(
                "oidc",
                "set",
                "--tenant",
                tenant,
                "--issuer",
                "http://login.example.com",
                "--client-id",
                "c",
                "--client-secret-file",
                secret.toString(),
                "--group",
                "staff=viewer");
        assertThat(plainHttp.exitCode()).isNotZero();
        assertThat(plainHttp.err()).contains("invalid_issuer").contains("https://");
    }
}
