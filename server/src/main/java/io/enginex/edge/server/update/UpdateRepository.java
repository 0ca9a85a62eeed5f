package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.RoleKeys;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufSigner;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.common.update.ReleaseVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The hub's TUF repository (The Update Framework 1.0): root, targets, snapshot and timestamp roles,
 * Ed25519 signatures over canonical JSON, thresholds, expiry and consistent snapshots. Releases are
 * targets {@code releases/<version>/<os>-<arch>/<file>} with custom {@code {"version","os","arch"}};
 * each channel is the target {@code channels/<name>.json} ({@link ChannelState}).
 *
 * <p>Every change runs under the repository's lock and ends by writing a new timestamp, the only
 * file a client reads without a version in its name. Root keys are never read from the repository:
 * operations that sign root take the offline directory (the key ceremonies are in {@link RepositoryKeys}). Thread-safe; several processes may use one
 * repository directory (they take turns on the lock).
 */
public final class UpdateRepository {
    public static final String SPEC_VERSION = "1.0.31";
    public static final List<String> ONLINE_ROLES = List.of("targets", "snapshot", "timestamp");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final Set<String> OSES = Set.of("linux", "windows", "macos");
    private static final Set<String> ARCHES = Set.of("x64", "arm64");

    private final RepositoryFiles files;
    private final Clock clock;
    private final RepositoryKeys keys;

    public UpdateRepository(Path dir, Clock clock) {
        this.files = new RepositoryFiles(dir);
        this.clock = clock;
        this.keys = new RepositoryKeys(this, files);
    }

    /** The repository of the hub whose data directory is {@code dataDir}: {@code <dataDir>/updates}. */
    public static Path dirOf(Path dataDir) {
        return dataDir.resolve("updates");
    }

    public Path dir() {
        return files.dir();
    }

    public Path metadataDir() {
        return files.metadata();
    }

    public Path targetsDir() {
        return files.targets();
    }

    public Path onlineKeysDir() {
        return files.keys();
    }

    public boolean exists() {
        return files.exists();
    }

    /** What {@code keys init} made: the root keys' files and the online keys' ids. */
    public record Initialised(List<Path> rootKeyFiles, int threshold, Map<String, String> onlineKeyIds) {}

    /**
     * Makes a new repository: {@code rootKeys} root keys (files {@code root-1.key} … in
     * {@code offlineDir}, which the administrator then keeps offline) of which {@code threshold} must sign
     * a root, one online key each for targets, snapshot and timestamp (in {@code keys/}), and version 1 of
     * every role.
     */
    public Initialised init(Path offlineDir, int rootKeys, int threshold, Expiries expiries) {
        return init(offlineDir, rootKeys, threshold, expiries, null);
    }

    /**
     * As {@link #init(Path, int, int, Expiries)}, with the targets key written to {@code targetsKeyDir}
     * instead of {@code keys/} when it is not null: kept off the hub, a compromised hub cannot sign
     * software (publish and channel changes then take {@code --keys targetsKeyDir}).
     */
    public Initialised init(Path offlineDir, int rootKeys, int threshold, Expiries expiries, Path targetsKeyDir) {
        return keys.init(offlineDir, rootKeys, threshold, expiries, targetsKeyDir);
    }

    /** {@link #publish(String, String, Map, int, List)} to all of the channel's agents (100%). */
    public ChannelState publish(String channel, String version, Map<String, Path> artifacts, List<Path> keyDirs) {
        return publish(channel, version, artifacts, 100, keyDirs);
    }

    /**
     * Adds version {@code version}'s files (platform → file) as targets and points {@code channel} at
     * it for {@code percent} of its agents (the first ring), in one new targets version.
     */
    public ChannelState publish(
            String channel, String version, Map<String, Path> artifacts, int percent, List<Path> keyDirs) {
        ChannelState.checkName(channel);
        checkPercent(percent);
        checkVersion(version);
        if (artifacts.isEmpty()) {
            throw new ReleaseException(
                    "name at least one file to publish, e.g. linux-x64=enginex-agent-linux-x64.tar.gz");
        }
        return files.locked(() -> {
            State state = load();
            if (!state.releases().getOrDefault(version, Map.of()).isEmpty()) {
                throw new ReleaseException("version " + version + " is published already; publish a new version,"
                        + " or point a channel at it with engine release promote --channel " + channel + " --version "
                        + version);
            }
            ObjectNode targetMap =
                    state.targets().path("signed").path("targets").deepCopy();
            for (Map.Entry<String, Path> a : new TreeMap<>(artifacts).entrySet()) {
                addArtifact(targetMap, version, a.getKey(), a.getValue());
            }
            ChannelState next = state.channel(channel).pointedAt(version, percent);
            putChannel(targetMap, next);
            write(state, targetMap, keyDirs);
            log(
                    "release.published",
                    Map.of("channel", channel, "version", version, "platforms", List.copyOf(artifacts.keySet())));
            return next;
        });
    }

    /** {@link #promote(String, String, int, List)} to all of the channel's agents. */
    public ChannelState promote(String channel, String version, List<Path> keyDirs) {
        return promote(channel, version, 100, keyDirs);
    }

    /**
     * Points {@code channel} at an already published, newer {@code version} for {@code percent} of its
     * agents; or, for the channel's current version, widens its rollout to {@code percent} (the next ring).
     */
    public ChannelState promote(String channel, String version, int percent, List<Path> keyDirs) {
        ChannelState.checkName(channel);
        checkVersion(version);
        checkPercent(percent);
        return files.locked(() -> {
            State state = load();
            if (state.releases().getOrDefault(version, Map.of()).isEmpty()) {
                throw new ReleaseException(
                        "version " + version + " is not published; publish it first with engine release publish");
            }
            ChannelState current = state.channel(channel);
            if (version.equals(current.version())) {
                if (percent <= current.percent()) {
                    throw new ReleaseException("channel " + channel + " has " + version + " at " + current.percent()
                            + "% already; a rollout only widens (halt it with engine release pause --channel "
                            + channel + ")");
                }
                return change(state, current.pointedAt(version, percent), keyDirs, "release.widened");
            }
            if (current.version() != null
                    && !ReleaseVersion.parse(version).newerThan(ReleaseVersion.parse(current.version()))) {
                throw new ReleaseException("channel " + channel + " is at " + current.version()
                        + "; promote moves it to a newer version only"
                        + " (go back with engine release rollback --channel " + channel + ")");
            }
            return change(state, current.pointedAt(version, percent), keyDirs, "release.promoted");
        });
    }

    /** Pauses ({@code true}) or resumes a channel: agents on it keep their version while it is paused. */
    public ChannelState pause(String channel, boolean pause, List<Path> keyDirs) {
        ChannelState.checkName(channel);
        return files.locked(() -> {
            State state = load();
            ChannelState current = state.existingChannel(channel);
            if (current.paused() == pause) {
                throw new ReleaseException(
                        "channel " + channel + " is " + (pause ? "paused" : "not paused") + " already");
            }
            return change(state, current.paused(pause), keyDirs, pause ? "release.paused" : "release.resumed");
        });
    }

    /** The failure rate of a ring above which the hub halts a channel's rollout, unless the channel sets its own. */
    public static final int DEFAULT_HALT_PERCENT = 20;

    /**
     * The hub's automatic halt: pauses {@code channel} (signed like {@link #pause}) and records why in
     * the channel file and the release log, unless the channel is no longer at {@code version}, is paused
     * already, or was halted for this ring of this version before (an admin resumed it since).
     *
     * @param ring the ring whose failure rate passed the threshold
     * @return the channel as halted, or empty when nothing changed
     */
    public Optional<ChannelState> halt(String channel, String version, int ring, String reason, List<Path> keyDirs) {
        ChannelState.checkName(channel);
        return files.locked(() -> {
            State state = load();
            ChannelState current = state.existingChannel(channel);
            ChannelState.Halt before = current.halt();
            if (!version.equals(current.version())
                    || current.paused()
                    || (before != null && before.version().equals(version) && before.ring() >= ring)) {
                return Optional.<ChannelState>empty();
            }
            ChannelState next = current.halted(new ChannelState.Halt(version, ring, reason, clock.instant()));
            ObjectNode targetMap =
                    state.targets().path("signed").path("targets").deepCopy();
            putChannel(targetMap, next);
            write(state, targetMap, keyDirs);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("channel", channel);
            details.put("version", version);
            details.put("ring", ring);
            details.put("reason", next.halt().reason());
            details.put("automatic", true);
            log("release.halted", details);
            return Optional.of(next);
        });
    }

    /** The failure rate (whole percent) of a ring above which the hub halts {@code channel}'s rollout. */
    public int haltPercent(String channel) {
        ChannelState.checkName(channel);
        JsonNode configured = config().path("halt").path(channel);
        return configured.isInt() ? configured.asInt() : DEFAULT_HALT_PERCENT;
    }

    /**
     * Sets the failure rate (0–100, whole percent) of a ring above which the hub halts {@code channel}'s
     * rollout; 100 never halts. Kept in {@code repository.json} (not signed: it steers the hub, not the
     * agents).
     */
    public void haltPercent(String channel, int percent) {
        ChannelState.checkName(channel);
        if (percent < 0 || percent > 100) {
            throw new ReleaseException("--failure-percent " + percent
                    + ": a halt threshold is 0 to 100 (the failure rate of a ring above which the hub halts;"
                    + " 100 never halts)");
        }
        files.locked(() -> {
            ObjectNode json = config();
            ObjectNode halt = json.path("halt") instanceof ObjectNode o ? o : json.putObject("halt");
            halt.put(channel, percent);
            try {
                files.writePublic(
                        files.config(),
                        TufJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            log("release.halt_threshold", Map.of("channel", channel, "failurePercent", percent));
            return null;
        });
    }

    private ObjectNode config() {
        if (!Files.exists(files.config())) {
            return TufJson.MAPPER.createObjectNode();
        }
        JsonNode json = TufJson.parse(readBytes(files.config()), files.config().toString());
        return json instanceof ObjectNode o ? o : TufJson.MAPPER.createObjectNode();
    }

    /**
     * Withdraws the channel's current version and points it at the one before: agents refuse the
     * withdrawn version, and those already running it go back.
     */
    public ChannelState rollback(String channel, List<Path> keyDirs) {
        ChannelState.checkName(channel);
        return files.locked(() -> {
            State state = load();
            ChannelState current = state.existingChannel(channel);
            List<String> history = current.history();
            String previous = null;
            for (int i = history.size() - 1; i >= 0; i--) {
                String v = history.get(i);
                if (!v.equals(current.version()) && !current.withdrawn().contains(v)) {
                    previous = v;
                    break;
                }
            }
            if (previous == null) {
                throw new ReleaseException("channel " + channel + " has no earlier version than " + current.version()
                        + " to go back to; publish a fixed version instead");
            }
            return change(state, current.rolledBackTo(previous), keyDirs, "release.rolled_back");
        });
    }

    /**
     * The channels without taking the lock (what a page shows: metadata files are replaced whole and
     * versioned files never change), or none when there is no repository or it cannot be read.
     */
    public List<ChannelState> channelsIfAny() {
        if (!files.exists()) {
            return List.of();
        }
        try {
            return List.copyOf(load().channels().values());
        } catch (ReleaseException | io.enginex.edge.common.tuf.TufException e) {
            return List.of();
        }
    }

    /** The published versions, read as {@link #channelsIfAny} reads (none without a repository). */
    public java.util.Set<String> versionsIfAny() {
        if (!files.exists()) {
            return java.util.Set.of();
        }
        try {
            return java.util.Set.copyOf(load().releases().keySet());
        } catch (ReleaseException | io.enginex.edge.common.tuf.TufException e) {
            return java.util.Set.of();
        }
    }

    /** The channels, by name. */
    public List<ChannelState> channels() {
        return files.locked(() -> List.copyOf(load().channels().values()));
    }

    /** What {@code release status} shows: each role's version and expiry. */
    public record RoleStatus(String role, int version, Instant expires) {}

    public List<RoleStatus> roles() {
        return files.locked(() -> {
            State s = load();
            List<RoleStatus> out = new ArrayList<>();
            for (ObjectNode e : List.of(s.root(), s.targets(), s.snapshot(), s.timestamp())) {
                JsonNode signed = e.path("signed");
                out.add(new RoleStatus(
                        signed.path("_type").asText(),
                        signed.path("version").asInt(),
                        TufJson.time(
                                signed.path("expires").asText(),
                                signed.path("_type").asText())));
            }
            return out;
        });
    }

    /**
     * Signs again, with the online keys found in {@code keyDirs}, each role whose metadata has used half
     * its time (targets only when its key is there), so clients never see it expire while the hub runs.
     *
     * @return the roles signed again, in order
     */
    public List<String> refresh(List<Path> keyDirs) {
        return files.locked(() -> {
            if (!files.exists()) {
                return List.of();
            }
            State state = load();
            Expiries expiries = expiries();
            Signers signers = Signers.find(keyDirs, state.root().path("signed"));
            boolean targets = halfGone(state.targets(), expiries.targets()) && signers.has("targets");
            boolean snapshot = targets || halfGone(state.snapshot(), expiries.snapshot());
            boolean timestamp = snapshot || halfGone(state.timestamp(), expiries.timestamp());
            if (!timestamp) {
                return List.of();
            }
            ObjectNode targetsSigned = targets
                    ? Roles.targets(
                            state.version("targets") + 1,
                            expire(expiries.targets()),
                            state.targets().path("signed").path("targets").deepCopy())
                    : null;
            List<String> roles = new ArrayList<>();
            if (targets) {
                roles.add("targets");
            }
            if (snapshot) {
                roles.add("snapshot");
            }
            roles.add("timestamp");
            commitPartial(signers, state, targetsSigned, snapshot, expiries);
            return roles;
        });
    }

    /**
     * A new root version with new root keys: {@code keys} new keys in {@code newOfflineDir}, of which
     * {@code threshold} must sign. It is signed by the threshold of the old root keys (from
     * {@code oldOfflineDir}) and by every new key, as clients check both.
     */
    public int rotateRoot(Path oldOfflineDir, Path newOfflineDir, int keys, int threshold) {
        return this.keys.rotateRoot(oldOfflineDir, newOfflineDir, keys, threshold);
    }

    /** A new root version with the same keys and a new expiry, signed with the offline root keys. */
    public int renewRoot(Path offlineDir) {
        return keys.renewRoot(offlineDir);
    }

    /**
     * Replaces the online key of {@code role} (targets, snapshot or timestamp): a new key in
     * {@code keys/}, a new root version naming it (signed with the offline root keys), then that role
     * and those below it signed again with it.
     */
    public int rotateOnline(String role, Path offlineDir, List<Path> keyDirs) {
        return keys.rotateOnline(role, offlineDir, keyDirs);
    }

    /** Copies the public part (metadata and targets, no keys) to {@code to}, for a mirror or a CDN. */
    public int export(Path to) {
        return files.locked(() -> {
            int[] count = {0};
            for (Path from : List.of(files.metadata(), files.targets())) {
                Path base = files.dir();
                try (var walk = Files.walk(from)) {
                    for (Path p : walk.filter(Files::isRegularFile).toList()) {
                        if (p.getFileName().toString().startsWith(".")) {
                            continue;
                        }
                        Path dest = to.resolve(base.relativize(p).toString());
                        Files.createDirectories(dest.getParent());
                        Files.copy(p, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        count[0]++;
                    }
                } catch (IOException e) {
                    throw new ReleaseException("cannot export to " + to + ": " + e.getMessage(), e);
                }
            }
            return count[0];
        });
    }

    // --- the parts -----------------------------------------------------------------------------

    private ChannelState change(State state, ChannelState next, List<Path> keyDirs, String action) {
        ObjectNode targetMap = state.targets().path("signed").path("targets").deepCopy();
        putChannel(targetMap, next);
        write(state, targetMap, keyDirs);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("channel", next.channel());
        details.put("version", String.valueOf(next.version()));
        details.put("percent", next.percent());
        details.put("paused", next.paused());
        log(action, details);
        return next;
    }

    private void write(State state, ObjectNode targetMap, List<Path> keyDirs) {
        Expiries expiries = expiries();
        Signers signers = Signers.find(keyDirs, state.root().path("signed"));
        ObjectNode targets = Roles.targets(state.version("targets") + 1, expire(expiries.targets()), targetMap);
        commitPartial(signers, state, targets, true, expiries);
    }

    /** Writes targets (when given), snapshot (when asked or when targets changed) and timestamp. */
    void commitPartial(Signers signers, State state, ObjectNode targets, boolean snapshot, Expiries expiries) {
        int targetsVersion = targets != null ? targets.path("version").asInt() : state.version("targets");
        if (targets != null) {
            files.writeMetadata(
                    targetsVersion + ".targets.json", TufSigner.envelope(targets, List.of(signers.get("targets"))));
        }
        int snapshotVersion = state.version("snapshot") + (snapshot || targets != null ? 1 : 0);
        if (snapshot || targets != null) {
            ObjectNode snap = Roles.snapshot(snapshotVersion, expire(expiries.snapshot()), targetsVersion);
            files.writeMetadata(
                    snapshotVersion + ".snapshot.json", TufSigner.envelope(snap, List.of(signers.get("snapshot"))));
        }
        byte[] snapshotBytes = readBytes(files.metadata().resolve(snapshotVersion + ".snapshot.json"));
        ObjectNode ts = Roles.timestamp(
                state.version("timestamp") + 1, expire(expiries.timestamp()), snapshotVersion, snapshotBytes);
        files.writeMetadata("timestamp.json", TufSigner.envelope(ts, List.of(signers.get("timestamp"))));
    }

    void commit(Signers signers, ObjectNode targets, int snapshotVersion, int timestampVersion, Expiries expiries) {
        int targetsVersion = targets.path("version").asInt();
        files.writeMetadata(
                targetsVersion + ".targets.json", TufSigner.envelope(targets, List.of(signers.get("targets"))));
        ObjectNode snap = Roles.snapshot(snapshotVersion, expire(expiries.snapshot()), targetsVersion);
        files.writeMetadata(
                snapshotVersion + ".snapshot.json", TufSigner.envelope(snap, List.of(signers.get("snapshot"))));
        byte[] snapshotBytes = readBytes(files.metadata().resolve(snapshotVersion + ".snapshot.json"));
        ObjectNode ts = Roles.timestamp(timestampVersion, expire(expiries.timestamp()), snapshotVersion, snapshotBytes);
        files.writeMetadata("timestamp.json", TufSigner.envelope(ts, List.of(signers.get("timestamp"))));
    }

    void writeRoot(ObjectNode envelope, int version) {
        files.writeMetadata(version + ".root.json", envelope);
        files.writeMetadata("root.json", envelope);
    }

    private void addArtifact(ObjectNode targetMap, String version, String platform, Path file) {
        String[] parts = platform.split("-", 2);
        if (parts.length != 2 || !OSES.contains(parts[0]) || !ARCHES.contains(parts[1])) {
            throw new ReleaseException("platform \"" + platform + "\" is not OS-ARCH with OS one of " + OSES
                    + " and ARCH one of " + ARCHES + " (e.g. linux-x64=enginex-agent.tar.gz)");
        }
        if (!Files.isRegularFile(file)) {
            throw new ReleaseException("no file " + file + " to publish");
        }
        String name = file.getFileName().toString();
        if (!FILE_NAME.matcher(name).matches()) {
            throw new ReleaseException(
                    "file name \"" + name + "\" may hold letters, digits and . _ + - only; rename it");
        }
        String targetName = "releases/" + version + "/" + platform + "/" + name;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            Path dest = files.targets().resolve("releases/" + version + "/" + platform);
            Files.createDirectories(dest);
            Path temp = Files.createTempFile(dest, ".upload", ".tmp");
            try {
                long length = Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                String sha = HexFormat.of()
                        .formatHex(((DigestInputStream) in).getMessageDigest().digest());
                Files.move(
                        temp,
                        dest.resolve(sha + "." + name),
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                setReadable(dest.resolve(sha + "." + name));
                ObjectNode target = targetMap.putObject(targetName);
                target.put("length", length);
                target.putObject("hashes").put("sha256", sha);
                target.putObject("custom")
                        .put("version", version)
                        .put("os", parts[0])
                        .put("arch", parts[1]);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ReleaseException("cannot copy " + file + " into the repository: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void putChannel(ObjectNode targetMap, ChannelState channel) {
        byte[] bytes = TufJson.canonical(channel.toJson());
        String sha = TufJson.sha256(bytes);
        files.writePublic(files.targets().resolve("channels").resolve(sha + "." + channel.channel() + ".json"), bytes);
        ObjectNode target = targetMap.putObject(ChannelState.targetName(channel.channel()));
        target.put("length", bytes.length);
        target.putObject("hashes").put("sha256", sha);
        target.putObject("custom").put("channel", channel.channel());
    }

    private static void setReadable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    List<TufSigner> rootSigners(Path offlineDir, JsonNode rootSigned) {
        RoleKeys trusted = RoleKeys.of(rootSigned, "root");
        List<TufSigner> signers = new ArrayList<>();
        for (ReleaseKeyFile f : ReleaseKeyFile.find(List.of(offlineDir), "root")) {
            if (trusted.keys().containsKey(f.signer().key().keyId())) {
                signers.add(f.signer());
            }
        }
        if (signers.size() < trusted.threshold()) {
            throw new ReleaseException(
                    offlineDir + " holds " + signers.size() + " of the current root keys; root version "
                            + rootSigned.path("version").asInt() + " needs " + trusted.threshold()
                            + ": bring that many root-*.key files of the offline set into one directory");
        }
        return signers;
    }

    private boolean halfGone(ObjectNode envelope, Duration lifetime) {
        Instant expires = TufJson.time(envelope.path("signed").path("expires").asText(), "metadata");
        return Duration.between(clock.instant(), expires).compareTo(lifetime.dividedBy(2)) <= 0;
    }

    Instant expire(Duration lifetime) {
        return clock.instant().plus(lifetime);
    }

    Expiries expiries() {
        if (!Files.exists(files.config())) {
            return Expiries.DEFAULT;
        }
        return Expiries.fromJson(
                TufJson.parse(readBytes(files.config()), files.config().toString())
                        .path("expires"));
    }

    private static void checkPercent(int percent) {
        try {
            ChannelState.checkPercent(percent);
        } catch (IllegalArgumentException e) {
            throw new ReleaseException("--percent " + percent + ": " + e.getMessage());
        }
    }

    private static void checkVersion(String version) {
        try {
            ReleaseVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new ReleaseException(e.getMessage());
        }
    }

    private byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    void log(String action, Map<String, Object> details) {
        ObjectNode entry = TufJson.MAPPER.createObjectNode();
        entry.put("at", TufJson.time(clock.instant()));
        entry.put("action", action);
        entry.put("by", System.getProperty("user.name", "?"));
        entry.set("details", TufJson.MAPPER.valueToTree(details));
        files.logAction(entry);
    }

    State load() {
        ObjectNode timestamp = files.readMetadata("timestamp.json");
        int snapshotVersion = timestamp
                .path("signed")
                .path("meta")
                .path("snapshot.json")
                .path("version")
                .asInt();
        ObjectNode snapshot = files.readMetadata(snapshotVersion + ".snapshot.json");
        int targetsVersion = snapshot.path("signed")
                .path("meta")
                .path("targets.json")
                .path("version")
                .asInt();
        ObjectNode targets = files.readMetadata(targetsVersion + ".targets.json");
        ObjectNode root = files.readMetadata(files.newestRootVersion() + ".root.json");
        return new State(root, targets, snapshot, timestamp, files);
    }
}
