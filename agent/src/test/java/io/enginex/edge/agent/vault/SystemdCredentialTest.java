package io.enginex.edge.agent.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault of the system service keyed by a systemd credential: systemd hands the service {@code
 * $CREDENTIALS_DIRECTORY/enginex-vault-key} (decrypted from {@code LoadCredentialEncrypted=}); here a
 * folder laid out the same way stands in for what systemd makes at the service's start.
 */
class SystemdCredentialTest {
    @TempDir
    Path temp;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T09:00:00Z"));
    private final ObjectMapper mapper = new ObjectMapper();

    private Path state() throws Exception {
        return Files.createDirectories(temp.resolve("state"));
    }

    private Path credentials(byte[] key) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("credentials"));
        Path file = dir.resolve(SystemdCredential.NAME);
        Files.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        return dir;
    }

    private Vault vault(Path state, Optional<Path> credentials) {
        return new Vault(
                state,
                new KeyStores(state, "Linux", () -> Optional.of("no keyring in this test"), credentials),
                clock,
                new SecureRandom(),
                mapper,
                name -> {});
    }

    @Test
    void aServiceGivenTheCredentialSealsItsVaultWithItAndAProcessWithoutItCannotOpenIt() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path state = state();
        Path credentials = credentials(key);
        Vault service = vault(state, Optional.of(credentials));

        Vault.Stored stored = service.set("erp-token", "Bearer from-the-service-77", null, KeyStores.AUTO);

        assertThat(stored.keyStore()).contains("systemd credential " + SystemdCredential.NAME);
        assertThat(stored.warning()).isNull();
        assertThat(Files.readString(state.resolve(Vault.FILE)))
                .contains("\"keyStore\":\"systemd-credential\"")
                .doesNotContain("from-the-service");
        // The key is nowhere in the state folder: only systemd's credential holds it.
        String hex = HexFormat.of().formatHex(key);
        try (Stream<Path> files = Files.walk(state)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(HexFormat.of().formatHex(bytes)).as(f.toString()).doesNotContain(hex);
            }
        }
        // After a restart (a new process given the same credential) it opens again.
        assertThat(vault(state, Optional.of(credentials))
                        .get("erp-token")
                        .orElseThrow()
                        .value())
                .isEqualTo("Bearer from-the-service-77");
        // A process systemd gave no credential (a terminal, another service) cannot, and is told how.
        assertThatThrownBy(() -> vault(state, Optional.empty()).get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("systemd-run -p LoadCredentialEncrypted=enginex-vault-key")
                .hasMessageNotContaining("from-the-service");
        // Another credential (another machine's, a new one) is another key.
        Files.delete(credentials.resolve(SystemdCredential.NAME));
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.write(credentials.resolve(SystemdCredential.NAME), other);
        assertThatThrownBy(() -> vault(state, Optional.of(credentials)).get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageNotContaining("from-the-service");
    }

    @Test
    void aWipeDeletesTheVaultAndLeavesSystemdsCredential() throws Exception {
        Path state = state();
        Path credentials = credentials(new byte[32]);
        Vault service = vault(state, Optional.of(credentials));
        service.set("erp-token", "v-1", null, KeyStores.AUTO);

        assertThat(service.wipe()).isTrue();

        assertThat(state.resolve(Vault.FILE)).doesNotExist();
        assertThat(credentials.resolve(SystemdCredential.NAME)).exists();
        assertThat(service.get("erp-token")).isEmpty();
    }

    @Test
    void withoutTheCredentialAutoTakesTheNextStoreAndAskingForItNamesTheUnitLine() throws Exception {
        Path state = state();

        assertThat(vault(state, Optional.empty())
                        .set("a", "v", null, KeyStores.AUTO)
                        .keyStore())
                .doesNotContain("systemd");
        Path fresh = Files.createDirectories(temp.resolve("fresh"));
        assertThatThrownBy(() -> vault(fresh, Optional.of(temp.resolve("empty-credentials")))
                        .set("b", "v", null, "systemd-credential"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("LoadCredentialEncrypted=enginex-vault-key:/etc/credstore.encrypted/");
    }

    @Test
    void aCredentialOfTheWrongSizeIsRefusedNamingHowToMakeOne() throws Exception {
        Path state = state();
        Vault service = vault(state, Optional.of(credentials("not a 32-byte key".getBytes())));

        assertThatThrownBy(() -> service.set("erp-token", "v", null, KeyStores.AUTO))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("head -c 32 /dev/urandom | systemd-creds encrypt");
        assertThat(state.resolve(Vault.FILE)).doesNotExist();
    }
}
