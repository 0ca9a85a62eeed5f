package io.enginex.edge.agent.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault on its file-key store (no keystore needed): sealing, tampering, keys, permissions, atomic writes, expiry. */
class VaultTest {
    private static final String VALUE = "s3cr3t-Value-7f9c2e1a";

    @TempDir
    Path state;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T12:00:00Z"));
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> expired = new ArrayList<>();

    private Vault vault(Path dir) {
        // No keystore here: the probe says so, and "auto" falls back to the key file, as on such a machine.
        return new Vault(
                dir,
                new KeyStores(dir, "Linux", () -> Optional.of("no keyring in this test")),
                clock,
                new SecureRandom(),
                mapper,
                expired::add);
    }

    private Vault vault() {
        return vault(state);
    }

    @Test
    void aSecretIsStoredSealedOwnerOnlyAndReadBack() throws Exception {
        Vault.Stored stored = vault().set("erp-token", VALUE, null, KeyStores.AUTO);

        assertThat(stored.warning()).contains("no OS keystore is usable here", "anyone who can read");
        assertThat(vault().get("erp-token")).map(SecretEntry::value).contains(VALUE);
        assertThat(vault().list()).extracting(SecretEntry::name).containsExactly("erp-token");
        byte[] file = Files.readAllBytes(state.resolve(Vault.FILE));
        assertThat(new String(file, StandardCharsets.UTF_8))
                .doesNotContain(VALUE)
                .doesNotContain("erp-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(Vault.FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(FileKey.FILE))))
                .isEqualTo("rw-------");
        assertThat(vault().get("erp-token").orElseThrow().toString()).doesNotContain(VALUE);
    }

    @Test
    void aChangedByteOfTheSealedPartIsRefusedNamingTheFix() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        Path file = state.resolve(Vault.FILE);
        ObjectNode envelope = (ObjectNode) mapper.readTree(file.toFile());
        byte[] sealed = Base64.getDecoder().decode(envelope.get("sealed").asText());
        sealed[3] ^= 1;
        envelope.put("sealed", Base64.getEncoder().encodeToString(sealed));
        Files.write(file, mapper.writeValueAsBytes(envelope));

        assertThatThrownBy(() -> vault().get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("was changed after the agent sealed it")
                .hasMessageContaining("enginex-agent secrets wipe")
                .hasMessageNotContaining(VALUE);
    }

    @Test
    void aHeaderPointedAtAnotherKeyNameIsRefused() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        Path file = state.resolve(Vault.FILE);
        ObjectNode envelope = (ObjectNode) mapper.readTree(file.toFile());
        envelope.put("keyName", "other");
        Files.write(file, mapper.writeValueAsBytes(envelope));

        assertThatThrownBy(() -> vault().list())
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("was changed");
    }

    @Test
    void anotherKeyIsToldApartFromTamperingAndOpensNothing() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        byte[] other = new byte[Vault.KEY_BYTES];
        new SecureRandom().nextBytes(other);
        Files.write(state.resolve(FileKey.FILE), other);

        assertThatThrownBy(() -> vault().get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("is not the key vault file")
                .hasMessageContaining("copied from another machine or account");
    }

    @Test
    void aVaultCopiedWithoutItsKeyIsUseless() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        Path elsewhere = Files.createDirectories(state.resolveSibling(state.getFileName() + "-copy"));
        Files.copy(state.resolve(Vault.FILE), elsewhere.resolve(Vault.FILE));
        Files.setPosixFilePermissions(elsewhere.resolve(Vault.FILE), PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> vault(elsewhere).get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("key file")
                .hasMessageContaining("is gone");
    }

    @Test
    void aVaultOrKeyFileOthersCanReadIsRefusedWithChmod() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        Path file = state.resolve(Vault.FILE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> vault().get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("may be read or changed by other users (mode rw-r--r--)")
                .hasMessageContaining("Fix: chmod 600 " + file);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(state.resolve(FileKey.FILE), PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> vault().get("erp-token"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("vault key file")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void readersNeverSeeAHalfWrittenVaultAndNoTemporaryFileStays() throws Exception {
        Vault writer = vault();
        writer.set("first", VALUE, null, KeyStores.AUTO);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        // A second Vault object reads the file as another process would; its own lock does not exclude the writer.
        Vault reader = vault();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            while (writing.get()) {
                assertThat(reader.get("first")).map(SecretEntry::value).contains(VALUE);
                reads.incrementAndGet();
            }
        });
        for (int i = 0; i < 200; i++) {
            writer.set("n" + i, "v" + i, null, KeyStores.AUTO);
        }
        writing.set(false);
        reading.get();

        assertThat(reads.get()).isPositive();
        assertThat(vault().list()).hasSize(201);
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(Vault.FILE, FileKey.FILE, Vault.LOCK_FILE);
        }
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnored() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        Files.write(state.resolve(".vault.json-123.tmp"), new byte[] {'{', '"'});

        assertThat(vault().get("erp-token")).map(SecretEntry::value).contains(VALUE);
    }

    @Test
    void anExpiredSecretIsNeverReturnedAndLeavesTheFileAtTheFirstRead() throws Exception {
        vault().set("short", VALUE, clock.instant().plus(Duration.ofMinutes(5)), KeyStores.AUTO);
        vault().set("long", "other", null, KeyStores.AUTO);
        assertThat(vault().get("short")).isPresent();

        clock.advance(Duration.ofMinutes(5));

        assertThat(vault().get("short")).isEmpty();
        assertThat(expired).containsExactly("short");
        assertThat(vault().list()).extracting(SecretEntry::name).containsExactly("long");
        assertThat(expired).as("removed from the file once").containsExactly("short");
    }

    @Test
    void theSweepRemovesExpiredSecretsWithoutARead() {
        vault().set("short", VALUE, clock.instant().plusSeconds(30), KeyStores.AUTO);
        assertThat(vault().sweep()).isEmpty();

        clock.advance(Duration.ofSeconds(31));

        assertThat(vault().sweep()).containsExactly("short");
        assertThat(expired).containsExactly("short");
        assertThat(vault().sweep()).isEmpty();
    }

    @Test
    void anExpiryInThePastOrAnEmptyValueStoresNothing() {
        assertThatThrownBy(() -> vault().set("x", VALUE, clock.instant(), KeyStores.AUTO))
                .hasMessageContaining("has passed");
        assertThatThrownBy(() -> vault().set("x", "", null, KeyStores.AUTO)).hasMessageContaining("empty");
        assertThatThrownBy(() -> vault().set("../x", VALUE, null, KeyStores.AUTO))
                .hasMessageContaining("is not a secret name");
        assertThat(vault().exists()).isFalse();
    }

    @Test
    void wipeDeletesVaultAndKeyEvenWhenTheVaultIsDamaged() throws Exception {
        vault().set("erp-token", VALUE, null, KeyStores.AUTO);
        Files.writeString(state.resolve(Vault.FILE), "not json");

        assertThat(vault().wipe()).isTrue();

        assertThat(state.resolve(Vault.FILE)).doesNotExist();
        assertThat(state.resolve(FileKey.FILE)).doesNotExist();
        assertThat(vault().wipe()).isFalse();
        assertThat(vault().list()).isEmpty();
    }

    @Test
    void windowsAndMacKeystoresSayNotYetAndNameTheFileFallback() {
        for (String os : List.of("Windows 11", "Mac OS X")) {
            Vault vault = new Vault(
                    state, new KeyStores(state, os, Optional::empty), clock, new SecureRandom(), mapper, n -> {});
            assertThatThrownBy(() -> vault.set("x", VALUE, null, KeyStores.AUTO))
                    .isInstanceOf(VaultException.class)
                    .hasMessageContaining("not implemented in this agent version")
                    .hasMessageContaining("--key-store file");
        }
        assertThat(vault().exists()).as("nothing was stored").isFalse();
    }
}
