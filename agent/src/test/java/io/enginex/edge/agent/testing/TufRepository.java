package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufSigner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TUF repository written in the test, into a {@link FakeUpdateSource}: keys per role, and each role's
 * metadata signed as the hub signs it — or, for attack tests, as an attacker would (wrong keys, old
 * versions, past expiry). Consistent snapshots, like the hub's repository.
 */
public final class TufRepository {
    public final FakeUpdateSource source = new FakeUpdateSource();
    public final Map<String, List<TufSigner>> keys = new LinkedHashMap<>();
    public final Map<String, Integer> thresholds = new LinkedHashMap<>();
    public final ObjectNode targetMap = TufJson.MAPPER.createObjectNode();
    public Instant now;
    public int rootVersion;
    public int targetsVersion;
    public int snapshotVersion;
    public int timestampVersion;
    public ObjectNode root;

    public TufRepository(Instant now) {
        this.now = now;
        keys.put("root", List.of(TufSigner.generate(), TufSigner.generate(), TufSigner.generate()));
        thresholds.put("root", 2);
        for (String role : List.of("targets", "snapshot", "timestamp")) {
            keys.put(role, List.of(TufSigner.generate()));
            thresholds.put(role, 1);
        }
        writeRoot(keys.get("root"));
        publish();
    }

    /** The next root version, signed by {@code signers}. */
    public byte[] writeRoot(List<TufSigner> signers) {
        rootVersion++;
        ObjectNode signed = header("root", rootVersion, Duration.ofDays(365));
        signed.put("consistent_snapshot", true);
        ObjectNode keyMap = signed.putObject("keys");
        ObjectNode roles = signed.putObject("roles");
        keys.forEach((role, list) -> {
            ObjectNode spec = roles.putObject(role);
            var ids = spec.putArray("keyids");
            for (TufSigner s : list) {
                keyMap.set(s.key().keyId(), s.key().toJson());
                ids.add(s.key().keyId());
            }
            spec.put("threshold", thresholds.get(role));
        });
        root = signed;
        byte[] bytes = TufJson.file(TufSigner.envelope(signed, signers));
        source.metadata.put(rootVersion + ".root.json", bytes);
        return bytes;
    }

    public byte[] rootFile(int version) {
        return source.metadata.get(version + ".root.json");
    }

    /** Adds a target file (and its bytes at the hashed path) with custom data. */
    public void addTarget(String name, byte[] bytes, ObjectNode custom) {
        String sha = TufJson.sha256(bytes);
        ObjectNode t = targetMap.putObject(name);
        t.put("length", bytes.length);
        t.putObject("hashes").put("sha256", sha);
        if (custom != null) {
            t.set("custom", custom);
        }
        int slash = name.lastIndexOf('/');
        source.targets.put(name.substring(0, slash + 1) + sha + "." + name.substring(slash + 1), bytes);
    }

    /** New targets, snapshot and timestamp, signed by their keys. */
    public void publish() {
        writeTargets(keys.get("targets"), Duration.ofDays(90));
        writeSnapshot(keys.get("snapshot"), Duration.ofDays(7));
        writeTimestamp(keys.get("timestamp"), Duration.ofDays(1));
    }

    public byte[] writeTargets(List<TufSigner> signers, Duration valid) {
        targetsVersion++;
        ObjectNode signed = header("targets", targetsVersion, valid);
        signed.set("targets", targetMap.deepCopy());
        byte[] bytes = TufJson.file(TufSigner.envelope(signed, signers));
        source.metadata.put(targetsVersion + ".targets.json", bytes);
        return bytes;
    }

    public byte[] writeSnapshot(List<TufSigner> signers, Duration valid) {
        snapshotVersion++;
        ObjectNode signed = header("snapshot", snapshotVersion, valid);
        signed.putObject("meta").putObject("targets.json").put("version", targetsVersion);
        byte[] bytes = TufJson.file(TufSigner.envelope(signed, signers));
        source.metadata.put(snapshotVersion + ".snapshot.json", bytes);
        return bytes;
    }

    public byte[] writeTimestamp(List<TufSigner> signers, Duration valid) {
        timestampVersion++;
        return writeTimestamp(signers, valid, timestampVersion, snapshotVersion);
    }

    public byte[] writeTimestamp(List<TufSigner> signers, Duration valid, int version, int snapshot) {
        ObjectNode signed = header("timestamp", version, valid);
        byte[] snap = source.metadata.get(snapshot + ".snapshot.json");
        ObjectNode meta = signed.putObject("meta").putObject("snapshot.json");
        meta.put("version", snapshot);
        meta.put("length", snap.length);
        meta.putObject("hashes").put("sha256", TufJson.sha256(snap));
        byte[] bytes = TufJson.file(TufSigner.envelope(signed, signers));
        source.metadata.put("timestamp.json", bytes);
        return bytes;
    }

    public List<TufSigner> signers(String role) {
        return new ArrayList<>(keys.get(role));
    }

    private ObjectNode header(String type, int version, Duration valid) {
        ObjectNode signed = TufJson.MAPPER.createObjectNode();
        signed.put("_type", type);
        signed.put("spec_version", "1.0.31");
        signed.put("version", version);
        signed.put("expires", TufJson.time(now.plus(valid)));
        return signed;
    }
}
