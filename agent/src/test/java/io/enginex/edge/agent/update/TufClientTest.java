package io.enginex.edge.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.TufRepository;
import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TUF client against the attacks of the specification's list, each with a repository that
 * carries out the attack; every test first shows the honest repository is accepted where that
 * matters, so the refusal is the attack's doing.
 */
class TufClientTest {
    private static final String NAME = "releases/1.1.0/linux-x64/agent.tar.gz";

    @TempDir
    Path tmp;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
    private TufRepository repo;
    private TufClient client;
    private byte[] release;

    @BeforeEach
    void pinRoot() throws IOException {
        repo = new TufRepository(clock.instant());
        Files.createDirectories(tmp.resolve("trusted"));
        Files.write(tmp.resolve("trusted/root.json"), repo.rootFile(1));
        client = new TufClient(tmp.resolve("trusted"), repo.source, clock, TufClient.Limits.DEFAULT);
        release = "the agent, version 1.1.0".repeat(1000).getBytes();
        repo.addTarget(NAME, release, custom("1.1.0"));
        repo.publish();
    }

    private static ObjectNode custom(String version) {
        return TufJson.MAPPER
                .createObjectNode()
                .put("version", version)
                .put("os", "linux")
                .put("arch", "x64");
    }

    private static void refused(Runnable attack, String reason, String message) {
        assertThatThrownBy(attack::run)
                .isInstanceOf(TufException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((TufException) e).reason())
                .isEqualTo(reason);
    }

    @Test
    void anHonestRepositoryVerifiesAndItsTargetDownloads() throws IOException {
        TufClient.Trusted trusted = client.refresh();
        JsonNode target = trusted.target(NAME).orElseThrow();

        Path file = client.download(NAME, target, tmp.resolve("downloads"));

        assertThat(Files.readAllBytes(file)).isEqualTo(release);
    }

    @Test
    void arbitrarySoftwareATargetsFileNotSignedByTheTargetsKeyIsRefused() {
        repo.addTarget("releases/6.6.6/linux-x64/evil.tar.gz", "evil".getBytes(), custom("6.6.6"));
        repo.writeTargets(List.of(TufSigner.generate()), Duration.ofDays(90));
        repo.writeSnapshot(repo.signers("snapshot"), Duration.ofDays(7));
        repo.writeTimestamp(repo.signers("timestamp"), Duration.ofDays(1));

        refused(client::refresh, "threshold", "0 valid signature(s) of role targets");
    }

    @Test
    void arbitrarySoftwareAFileWhoseBytesAreNotTheSignedOnesIsRefusedAndDeleted() {
        TufClient.Trusted trusted = client.refresh();
        String sha = TufJson.sha256(release);
        byte[] evil = release.clone();
        evil[10] ^= 1;
        repo.source.targets.put("releases/1.1.0/linux-x64/" + sha + ".agent.tar.gz", evil);

        refused(
                () -> client.download(NAME, trusted.target(NAME).orElseThrow(), tmp.resolve("d")),
                "hash_mismatch",
                "not the signed");
        assertThat(tmp.resolve("d").resolve(sha + ".partial")).doesNotExist();
    }

    @Test
    void rollbackAnOlderTimestampThanTheTrustedOneIsRefused() {
        byte[] old = repo.source.metadata.get("timestamp.json");
        client.refresh();
        repo.publish();
        client.refresh();
        repo.source.metadata.put("timestamp.json", old);

        refused(client::refresh, "rollback", "older than the trusted");
    }

    @Test
    void rollbackASnapshotThatNamesOlderTargetsIsRefused() {
        client.refresh();
        repo.targetsVersion -= 2; // a validly signed snapshot naming an older targets version
        repo.writeSnapshot(repo.signers("snapshot"), Duration.ofDays(7));
        repo.writeTimestamp(repo.signers("timestamp"), Duration.ofDays(1));

        refused(client::refresh, "rollback", "older than the trusted");
    }

    @Test
    void indefiniteFreezeAStaleTimestampReplayedAfterItExpiredIsRefused() {
        client.refresh();
        clock.advance(Duration.ofDays(2)); // the mirror keeps serving yesterday's timestamp

        refused(client::refresh, "expired", "timestamp metadata expired");
    }

    @Test
    void expiredRootStopsUpdatesWithAReasonAPersonCanAct() throws IOException {
        clock.advance(Duration.ofDays(400));
        refused(client::refresh, "expired", "updates stop until the hub signs it again (the agent keeps working)");
    }

    @Test
    void endlessDataMetadataLongerThanItsLimitIsNotReadPastTheLimit() {
        ObjectNode huge = TufJson.MAPPER.createObjectNode();
        huge.put("padding", "x".repeat(20_000));
        repo.source.metadata.put("timestamp.json", TufJson.file(huge));

        refused(client::refresh, "too_large", "longer than the");
    }

    @Test
    void endlessDataATargetLongerThanItsSignedLengthIsRefused() {
        TufClient.Trusted trusted = client.refresh();
        String sha = TufJson.sha256(release);
        byte[] endless = new byte[release.length * 4];
        System.arraycopy(release, 0, endless, 0, release.length);
        repo.source.targets.put("releases/1.1.0/linux-x64/" + sha + ".agent.tar.gz", endless);

        refused(
                () -> client.download(NAME, trusted.target(NAME).orElseThrow(), tmp.resolve("d")),
                "too_large",
                "longer than the " + release.length);
    }

    @Test
    void mixAndMatchASnapshotOtherThanTheOneTheTimestampSignedIsRefused() {
        byte[] signedSnapshot = repo.source.metadata.get(repo.snapshotVersion + ".snapshot.json");
        repo.targetsVersion--;
        byte[] other = repo.writeSnapshot(repo.signers("snapshot"), Duration.ofDays(7));
        repo.snapshotVersion--;
        repo.source.metadata.put(repo.snapshotVersion + ".snapshot.json", signedSnapshot);
        repo.writeTimestamp(repo.signers("timestamp"), Duration.ofDays(1));
        // Swap in the other validly signed snapshot under the name the timestamp signed.
        repo.source.metadata.put(repo.snapshotVersion + ".snapshot.json", other);

        refused(client::refresh, "hash_mismatch", "mix-and-match");
    }

    @Test
    void fastForwardAfterTheTimestampKeyIsRotatedTheClientRecoversFromAHugeVersion() throws IOException {
        // A thief of the timestamp key signs version 1,000,000: the client trusts it...
        repo.writeTimestamp(repo.signers("timestamp"), Duration.ofDays(1), 1_000_000, repo.snapshotVersion);
        client.refresh();
        // ...so no honest timestamp (version 4) could ever follow — until root rotates the timestamp key.
        repo.publish();
        refused(client::refresh, "rollback", "older than the trusted");
        repo.keys.put("timestamp", List.of(TufSigner.generate()));
        repo.writeRoot(repo.signers("root"));
        repo.writeTimestamp(repo.signers("timestamp"), Duration.ofDays(1));

        TufClient.Trusted trusted = client.refresh();

        assertThat(trusted.rootVersion()).isEqualTo(2);
        assertThat(TufJson.parse(Files.readAllBytes(tmp.resolve("trusted/timestamp.json")), "t")
                        .path("signed")
                        .path("version")
                        .asInt())
                .isLessThan(1_000_000);
    }

    @Test
    void thresholdARootSignedByOneOfTheTwoRequiredKeysIsRefused() {
        repo.keys.put("targets", List.of(TufSigner.generate()));
        repo.writeRoot(repo.signers("root").subList(0, 1));

        refused(client::refresh, "threshold", "1 valid signature(s) of role root; the threshold is 2");
    }

    @Test
    void rootRotationIsFollowedWhenSignedByTheOldAndTheNewThreshold() {
        List<TufSigner> old = repo.signers("root");
        repo.keys.put("root", List.of(TufSigner.generate(), TufSigner.generate(), TufSigner.generate()));
        List<TufSigner> both = new java.util.ArrayList<>(old.subList(0, 2));
        both.addAll(repo.signers("root").subList(1, 3));
        repo.writeRoot(both);

        assertThat(client.refresh().rootVersion()).isEqualTo(2);
    }

    @Test
    void aNewRootSignedOnlyByTheNewKeysIsRefused() {
        repo.keys.put("root", List.of(TufSigner.generate(), TufSigner.generate(), TufSigner.generate()));
        repo.writeRoot(repo.signers("root"));

        refused(client::refresh, "threshold", "by the keys of the trusted root");
    }

    @Test
    void aCompromisedSnapshotAndTimestampKeyCannotSignSoftwareButCanOnlyHoldBackTargets() {
        client.refresh();
        // With the online snapshot and timestamp keys (not targets), an attacker re-serves old targets
        // under a new snapshot: refused as a rollback; and cannot sign targets at all (threshold).
        repo.targetsVersion--;
        repo.writeSnapshot(repo.signers("snapshot"), Duration.ofDays(7));
        repo.writeTimestamp(repo.signers("timestamp"), Duration.ofDays(1));
        refused(client::refresh, "rollback", "older than the trusted");
    }

    @Test
    void aTruncatedDownloadResumesWhereItStoppedAndThenVerifies() throws IOException {
        TufClient.Trusted trusted = client.refresh();
        JsonNode target = trusted.target(NAME).orElseThrow();
        repo.source.cutAfter = 5_000L;

        refused(() -> client.download(NAME, target, tmp.resolve("d")), "unreachable", "broke after 5000");
        Path partial = tmp.resolve("d").resolve(TufJson.sha256(release) + ".partial");
        assertThat(Files.size(partial)).isEqualTo(5_000);

        repo.source.cutAfter = null;
        Path file = client.download(NAME, target, tmp.resolve("d"));
        assertThat(Files.readAllBytes(file)).isEqualTo(release);
    }

    @Test
    void theHubUnreachableMidDownloadLeavesNothingInstalledAndTheNextTryFinishes() throws IOException {
        TufClient.Trusted trusted = client.refresh();
        JsonNode target = trusted.target(NAME).orElseThrow();
        repo.source.cutAfter = 10_000L;
        refused(() -> client.download(NAME, target, tmp.resolve("d")), "unreachable", "broke");
        repo.source.reachable = false;
        refused(client::refresh, "unreachable", "unreachable");

        repo.source.reachable = true;
        repo.source.cutAfter = null;
        assertThat(Files.readAllBytes(
                        client.download(NAME, client.refresh().target(NAME).orElseThrow(), tmp.resolve("d"))))
                .isEqualTo(release);
    }

    @Test
    void metadataOfTheWrongTypeIsRefused() {
        repo.source.metadata.put("timestamp.json", repo.source.metadata.get(repo.snapshotVersion + ".snapshot.json"));
        refused(client::refresh, "invalid", "not timestamp");
    }
}
