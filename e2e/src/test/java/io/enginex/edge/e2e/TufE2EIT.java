package io.enginex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufSigner;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.e2e.support.TufClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's update repository checked by a TUF client no one here wrote: tuf-js (npm) runs the
 * specification's client workflow against a real hub process over HTTPS, verifies and downloads a
 * release made with {@code engine release}, follows root and online key rotations, and refuses a
 * target whose bytes were changed and a timestamp signed by a key the root no longer trusts.
 *
 * <p>One hub and repository for the class (a hub start and two {@code engine} runs each cost seconds):
 * each test starts its own tuf-js clients, counts root versions from where the repository is, and puts
 * back what it damaged, so the tests pass in any order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TufE2EIT {
    private static final String TARGET = "releases/1.0.0/linux-x64/enginex-agent-linux-x64.tar.gz";

    @TempDir
    Path tmp;

    private HubProcess hub;
    private Path logs;
    /** The root keys the repository trusts now (a root rotation replaces them). */
    private Path offline;

    private Path artifact;
    private int clients;

    @BeforeAll
    void startHubAndInitRepository(@TempDir Path shared) throws IOException {
        logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(shared.resolve("hub"), logs);
        offline = shared.resolve("offline-root");
        engine("release", "keys", "init", "--data-dir", hub.dataDir().toString(), "--offline", offline.toString());
        artifact = shared.resolve("enginex-agent-linux-x64.tar.gz");
        byte[] bytes = new byte[300_000];
        new Random(15).nextBytes(bytes);
        Files.write(artifact, bytes);
        engine(
                "release",
                "publish",
                "--data-dir",
                hub.dataDir().toString(),
                "--channel",
                "stable",
                "--version",
                "1.0.0",
                artifact.toString());
    }

    @AfterAll
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    private String engine(String... args) {
        OsProcess.Completed run = hub.cli(args);
        assertThat(run.exitCode())
                .as(String.join(" ", args) + "\n" + run.output())
                .isZero();
        return run.output();
    }

    private Path repo() {
        return hub.dataDir().resolve("updates");
    }

    /** A new client (a work directory of its own: nothing trusted or cached yet) that trusts the first root. */
    private TufClient client(String name) {
        String dir = name + "-" + ++clients;
        return new TufClient(hub, repo().resolve("metadata/1.root.json"), tmp.resolve(dir), logs.resolve(dir));
    }

    @Test
    void tufJsVerifiesAndDownloadsThePublishedReleaseAndItsChannel() throws IOException {
        JsonNode result = client("client").fetch(TARGET, "channels/stable.json");

        assertThat(result.path("ok").asBoolean()).as(result.toString()).isTrue();
        JsonNode release = result.path("targets").get(0);
        assertThat(Files.readAllBytes(Path.of(release.path("path").asText()))).isEqualTo(Files.readAllBytes(artifact));
        assertThat(release.path("custom").path("version").asText()).isEqualTo("1.0.0");
        assertThat(release.path("custom").path("os").asText()).isEqualTo("linux");
        JsonNode channel = parse(Files.readAllBytes(
                Path.of(result.path("targets").get(1).path("path").asText())));
        assertThat(channel.path("version").asText()).isEqualTo("1.0.0");
        assertThat(channel.path("paused").asBoolean()).isFalse();
    }

    @Test
    void tufJsRefusesATargetWhoseBytesWereChangedOnTheServer() throws IOException {
        Path stored;
        try (var files = Files.walk(repo().resolve("targets/releases/1.0.0"))) {
            stored = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] original = Files.readAllBytes(stored);
        byte[] bytes = original.clone();
        bytes[1000] ^= 1;
        Files.write(stored, bytes);
        try {
            JsonNode result = client("client").fetch(TARGET);

            assertThat(result.path("ok").asBoolean()).as(result.toString()).isFalse();
            assertThat(result.path("error").path("message").asText()).containsIgnoringCase("hash");
        } finally {
            Files.write(stored, original);
        }
    }

    @Test
    void tufJsFollowsARootRotationSignedByTheOldAndTheNewKeys() {
        TufClient client = client("client");
        int before = client.fetch(TARGET).path("root").asInt();
        Path newOffline = tmp.resolve("new-root");

        engine(
                "release",
                "keys",
                "rotate-root",
                "--data-dir",
                hub.dataDir().toString(),
                "--offline",
                offline.toString(),
                "--new-offline",
                newOffline.toString());
        offline = newOffline;
        engine(
                "release",
                "publish",
                "--data-dir",
                hub.dataDir().toString(),
                "--channel",
                "stable",
                "--version",
                "1.1.0",
                "linux-x64=" + artifact);

        JsonNode after = client.fetch("releases/1.1.0/linux-x64/enginex-agent-linux-x64.tar.gz");
        assertThat(after.path("ok").asBoolean()).as(after.toString()).isTrue();
        assertThat(after.path("root").asInt()).isEqualTo(before + 1);
        // A client installed with the first root reaches the same place through the chain of roots.
        assertThat(client("fresh").fetch(TARGET).path("root").asInt()).isEqualTo(before + 1);
    }

    @Test
    void afterAnOnlineKeyRotationTufJsFollowsAndRefusesATimestampSignedWithTheOldKey() throws Exception {
        TufClient client = client("client");
        JsonNode before = client.fetch(TARGET);
        assertThat(before.path("ok").asBoolean()).as(before.toString()).isTrue();
        Path oldKey = tmp.resolve("old-timestamp.key");
        Files.copy(repo().resolve("keys/timestamp.key"), oldKey);

        engine(
                "release",
                "keys",
                "rotate-online",
                "--data-dir",
                hub.dataDir().toString(),
                "--role",
                "timestamp",
                "--offline",
                offline.toString());
        engine(
                "release",
                "keys",
                "rotate-online",
                "--data-dir",
                hub.dataDir().toString(),
                "--role",
                "targets",
                "--offline",
                offline.toString());
        JsonNode rotated = client.fetch(TARGET);
        assertThat(rotated.path("ok").asBoolean()).as(rotated.toString()).isTrue();
        assertThat(rotated.path("root").asInt()).isEqualTo(before.path("root").asInt() + 2);

        // Whoever stole the old timestamp key signs a newer timestamp: the root no longer trusts it.
        Path timestamp = repo().resolve("metadata/timestamp.json");
        byte[] genuine = Files.readAllBytes(timestamp);
        ObjectNode signed =
                (ObjectNode) TufJson.parse(genuine, "timestamp.json").path("signed");
        signed.put("version", signed.path("version").asInt() + 1);
        signed.put("expires", TufJson.time(Instant.now().plus(1, ChronoUnit.DAYS)));
        Files.write(timestamp, TufJson.file(TufSigner.envelope(signed, List.of(readSigner(oldKey)))));
        try {
            JsonNode refused = client.fetch(TARGET);
            assertThat(refused.path("ok").asBoolean()).as(refused.toString()).isFalse();
            assertThat(refused.path("error").path("message").asText()).containsIgnoringCase("timestamp");
        } finally {
            Files.write(timestamp, genuine);
        }
    }

    private static TufSigner readSigner(Path file) throws Exception {
        JsonNode json = TufJson.parse(Files.readAllBytes(file), file.toString());
        var key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new PKCS8EncodedKeySpec(
                        Base64.getDecoder().decode(json.path("private").asText())));
        return new TufSigner(
                io.enginex.edge.common.tuf.TufKey.fromHex(json.path("public").asText()), key);
    }

    private static JsonNode parse(byte[] bytes) {
        return TufJson.parse(bytes, "channel");
    }
}
