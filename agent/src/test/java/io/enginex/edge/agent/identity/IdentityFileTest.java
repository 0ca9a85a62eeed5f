package io.enginex.edge.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
    @TempDir
    Path temp;

    private final MessageCodec codec = new MessageCodec();

    @Test
    void savedIdentityLoadsBackWithAWorkingKeyPair() throws Exception {
        Path stateDir = temp.resolve("state");
        IdentityFile file = new IdentityFile(stateDir, codec.mapper());
        AgentIdentity saved = withPin(TestIdentities.create("agt_42", "https://hub.example.com"));
        file.save(saved);

        AgentIdentity loaded = file.load();
        assertThat(loaded.agentId()).isEqualTo("agt_42");
        assertThat(loaded.tenant()).isEqualTo("acme");
        assertThat(loaded.labels()).containsExactly("laptops");
        assertThat(loaded.hub().toString()).isEqualTo("https://hub.example.com");
        assertThat(loaded.trust()).isEqualTo(saved.trust());
        assertThat(loaded.registeredAt()).isEqualTo(saved.registeredAt());
        assertThat(loaded.keyCreatedAt()).isEqualTo(saved.keyCreatedAt());
        assertThat(loaded.publicKey().getEncoded()).isEqualTo(saved.publicKey().getEncoded());
        assertThat(loaded.fingerprint()).isEqualTo(saved.fingerprint());

        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(loaded.privateKey());
        signer.update(new byte[] {1, 2, 3});
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(saved.publicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signer.sign())).isTrue();
    }

    @Test
    void fileIsOwnerOnlyAndStateDirIs700() throws Exception {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path stateDir = temp.resolve("state");
        IdentityFile file = new IdentityFile(stateDir, codec.mapper());
        file.save(TestIdentities.create("agt_1", "http://localhost:8080"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)))
                .isEqualTo("rwx------");
        try (var leftovers = Files.list(stateDir)) {
            assertThat(leftovers).containsExactly(file.path()); // no temp file left behind
        }
    }

    @Test
    void aPendingKeyIsKeptBesideTheCurrentOneUntilTheIdentityIsSavedAgain() {
        IdentityFile file = new IdentityFile(temp, codec.mapper());
        AgentIdentity current = TestIdentities.create("agt_1", "http://localhost:8080");
        PendingKey pending = PendingKey.of(TestIdentities.keyPair(), java.time.Instant.parse("2026-12-04T10:00:00Z"));

        file.savePendingKey(current, pending);

        assertThat(file.load().fingerprint()).isEqualTo(current.fingerprint());
        PendingKey loaded = file.loadPendingKey().orElseThrow();
        assertThat(loaded.fingerprint()).isEqualTo(pending.fingerprint());
        assertThat(loaded.privateKey().getEncoded())
                .isEqualTo(pending.privateKey().getEncoded());
        assertThat(loaded.createdAt()).isEqualTo(pending.createdAt());
        assertThat(loaded.toString())
                .doesNotContain(
                        Base64.getEncoder().encodeToString(pending.privateKey().getEncoded()));

        file.save(current.withKey(loaded));

        assertThat(file.load().fingerprint()).isEqualTo(pending.fingerprint());
        assertThat(file.load().keyCreatedAt()).isEqualTo(pending.createdAt());
        assertThat(file.loadPendingKey()).isEmpty();
    }

    @Test
    void severalHubAddressesAreSavedAsAListBesideTheFirstAsHubUrl() throws Exception {
        IdentityFile file = new IdentityFile(temp, codec.mapper());
        file.save(TestIdentities.create("agt_1", "https://a.example.com,https://b.example.com:8443"));

        var json = codec.mapper().readTree(file.path().toFile());
        assertThat(json.path("hubUrl").asText()).isEqualTo("https://a.example.com");
        assertThat(json.path("hubUrls").toString())
                .isEqualTo("[\"https://a.example.com\",\"https://b.example.com:8443\"]");
        assertThat(file.load().hubs().toString()).isEqualTo("https://a.example.com,https://b.example.com:8443");
    }

    @Test
    void aFileWrittenBeforeSeveralAddressesReadsAsAListOfOne() throws Exception {
        IdentityFile file = new IdentityFile(temp, codec.mapper());
        AgentIdentity saved = TestIdentities.create("agt_old", "https://hub.example.com");
        file.save(saved);
        // What an older agent wrote: hubUrl only.
        var old = (com.fasterxml.jackson.databind.node.ObjectNode)
                codec.mapper().readTree(file.path().toFile());
        old.remove("hubUrls");
        Files.write(file.path(), codec.mapper().writeValueAsBytes(old));

        AgentIdentity loaded = file.load();
        assertThat(loaded.hubs().all()).extracting(Object::toString).containsExactly("https://hub.example.com");
        assertThat(loaded.fingerprint()).isEqualTo(saved.fingerprint());
        // Saved again, it gains the list and keeps hubUrl.
        file.save(loaded);
        var json = codec.mapper().readTree(file.path().toFile());
        assertThat(json.path("hubUrls").size()).isEqualTo(1);
        assertThat(json.path("hubUrl").asText()).isEqualTo("https://hub.example.com");
    }

    @Test
    void aDamagedHubListSaysToReRegister() throws Exception {
        IdentityFile file = new IdentityFile(temp, codec.mapper());
        file.save(TestIdentities.create("agt_1", "https://hub.example.com"));
        var json = (com.fasterxml.jackson.databind.node.ObjectNode)
                codec.mapper().readTree(file.path().toFile());
        json.putArray("hubUrls").add("http://hub.example.com");
        Files.write(file.path(), codec.mapper().writeValueAsBytes(json));

        assertThatThrownBy(file::load)
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("refusing plain http://")
                .hasMessageContaining("re-register");
    }

    @Test
    void savingAgainReplacesTheIdentity() {
        IdentityFile file = new IdentityFile(temp, codec.mapper());
        file.save(TestIdentities.create("agt_1", "http://localhost:8080"));
        file.save(TestIdentities.create("agt_2", "http://localhost:8080"));
        assertThat(file.load().agentId()).isEqualTo("agt_2");
    }

    @Test
    void refusesAFileOthersCanRead_namingTheChmodFix() throws Exception {
        assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"));
        IdentityFile file = new IdentityFile(temp, codec.mapper());
        file.save(TestIdentities.create("agt_1", "http://localhost:8080"));
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(file::load)
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("chmod 600 " + file.path())
                .hasMessageContaining("rw-r--r--");
    }

    @Test
    void missingFileSaysToRegister() {
        IdentityFile file = new IdentityFile(temp.resolve("nowhere"), codec.mapper());
        assertThat(file.exists()).isFalse();
        assertThatThrownBy(file::load)
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("enginex-agent register --server URL --token TOKEN");
    }

    @Test
    void toStringAndExceptionsNeverShowThePrivateKey() throws Exception {
        AgentIdentity identity = TestIdentities.create("agt_1", "http://localhost:8080");
        String privateKey =
                Base64.getEncoder().encodeToString(identity.privateKey().getEncoded());
        assertThat(identity.toString())
                .contains("agt_1", identity.fingerprint())
                .doesNotContain(privateKey);

        IdentityFile file = new IdentityFile(temp, codec.mapper());
        file.save(identity);
        String json = Files.readString(file.path(), StandardCharsets.UTF_8);
        Files.writeString(file.path(), json.replace("\"agentId\"", "\"agentIdX\""));
        assertThatThrownBy(file::load)
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("damaged")
                .message()
                .doesNotContain(privateKey);
    }

    private static AgentIdentity withPin(AgentIdentity identity) {
        return new AgentIdentity(
                identity.agentId(),
                identity.tenant(),
                identity.labels(),
                identity.hubs(),
                new TrustSettings("sha256:" + "ab:".repeat(31) + "ab", null),
                identity.publicKey(),
                identity.privateKey(),
                identity.registeredAt());
    }
}
