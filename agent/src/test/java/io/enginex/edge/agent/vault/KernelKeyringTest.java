package io.enginex.edge.agent.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux keystore path for real: the vault's key in this account's kernel keyring through {@code
 * keyctl} (installed by scripts/test-prereqs.sh). A missing {@code keyctl} fails the test; a kernel or
 * sandbox that refuses keys (a container's seccomp profile) skips it with the reason, never passes it.
 */
class KernelKeyringTest {
    private static final String VALUE = "kernel-keyring-secret-4b1d";

    @TempDir
    Path state;

    @BeforeEach
    void keyringIsUsable() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the kernel keyring is Linux only");
        assertThat(KernelKeyring.findKeyctl())
                .as("keyctl is missing: install keyutils (scripts/test-prereqs.sh does)")
                .isPresent();
        Optional<String> unusable = KernelKeyring.unusable();
        assumeTrue(unusable.isEmpty(), () -> "the kernel keyring is not usable here: " + unusable.orElse(""));
    }

    private Vault vault() {
        return new Vault(
                state,
                KeyStores.forThisMachine(state),
                Clock.systemUTC(),
                new SecureRandom(),
                new ObjectMapper(),
                n -> {});
    }

    private String keyName() throws IOException {
        return new ObjectMapper()
                .readTree(state.resolve(Vault.FILE).toFile())
                .path("keyName")
                .asText();
    }

    @Test
    void theKeyLivesInTheKernelKeyringAndNeverOnDisk() throws Exception {
        Vault.Stored stored = vault().set("db", VALUE, null, KeyStores.AUTO);
        try {
            assertThat(stored.warning()).isNull();
            assertThat(stored.keyStore()).contains("kernel keyring");
            assertThat(vault().get("db")).map(SecretEntry::value).contains(VALUE);
            assertThat(keyName()).startsWith("enginex-agent-vault:");
            assertThat(keyctl("search", "@u", "user", keyName())).isZero();
            try (Stream<Path> files = Files.list(state)) {
                assertThat(files.map(p -> p.getFileName().toString())).doesNotContain(FileKey.FILE);
            }
        } finally {
            vault().wipe();
        }
    }

    @Test
    void aKeyGoneFromTheKeyringLeavesTheVaultUnreadableWithTheFix() throws Exception {
        vault().set("db", VALUE, null, KeyStores.AUTO);
        String name = keyName();
        new KernelKeyring(KernelKeyring.findKeyctl().orElseThrow()).delete(name);

        assertThatThrownBy(() -> vault().get("db"))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("is not in the kernel keyring")
                .hasMessageContaining("enginex-agent secrets wipe");
        assertThat(vault().wipe()).isTrue();
    }

    @Test
    void wipeRemovesTheKeyFromTheKeyring() throws Exception {
        vault().set("db", VALUE, null, KeyStores.AUTO);
        String name = keyName();

        vault().wipe();

        assertThat(keyctl("search", "@u", "user", name)).isNotZero();
        assertThat(state.resolve(Vault.FILE)).doesNotExist();
    }

    /**
     * A copy of the vault in another account is useless: the key is in this account's user keyring,
     * which another uid neither finds by name nor reads by id. Runs {@code keyctl} as {@code nobody}
     * through {@code setpriv}, so it needs root (skipped otherwise).
     */
    @Test
    void anotherAccountNeitherFindsNorReadsTheVaultsKey() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root and setpriv to run keyctl as another account");
        vault().set("db", VALUE, null, KeyStores.AUTO);
        try {
            String name = keyName();
            Process search = new ProcessBuilder(
                            KernelKeyring.findKeyctl().orElseThrow().toString(), "search", "@u", "user", name)
                    .start();
            String id = new String(search.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(search.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(id).matches("[0-9]+");

            assertThat(asNobody("search", "@u", "user", name))
                    .as("found by name in nobody's keyring")
                    .isNotZero();
            assertThat(asNobody("pipe", id)).as("read by id as nobody").isNotZero();
            assertThat(vault().get("db")).map(SecretEntry::value).contains(VALUE);
        } finally {
            vault().wipe();
        }
    }

    private static int asNobody(String... args) throws Exception {
        return keyctlAs(Stream.concat(
                        Stream.of(
                                "/usr/bin/setpriv",
                                "--reuid=65534",
                                "--regid=65534",
                                "--clear-groups",
                                KernelKeyring.findKeyctl().orElseThrow().toString()),
                        Stream.of(args))
                .toArray(String[]::new));
    }

    private static int keyctlAs(String[] command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static int keyctl(String... args) throws Exception {
        String[] command = Stream.concat(
                        Stream.of(KernelKeyring.findKeyctl().orElseThrow().toString()), Stream.of(args))
                .toArray(String[]::new);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void theKeyIsReadBackByteForByte() {
        KernelKeyring ring = new KernelKeyring(KernelKeyring.findKeyctl().orElseThrow());
        byte[] key = new byte[Vault.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        key[0] = '\n';
        key[1] = 0;
        String name = "enginex-agent-test:" + System.nanoTime();
        ring.create(name, key);
        try {
            assertThat(ring.load(name)).isEqualTo(key);
        } finally {
            ring.delete(name);
        }
        assertThatThrownBy(() -> ring.load(name)).hasMessageContaining("not in the kernel keyring");
        assertThat(new String(key, StandardCharsets.ISO_8859_1)).isNotEmpty();
    }
}
