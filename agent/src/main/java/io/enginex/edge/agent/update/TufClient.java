package io.enginex.edge.agent.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.RoleKeys;
import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.tuf.TufJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The TUF 1.0 client workflow (specification section 5), step by step, over an {@link UpdateSource}.
 * Its trusted metadata lives in {@code dir}: {@code root.json} is pinned when the agent is installed
 * or enrolled; {@code timestamp.json}, {@code snapshot.json} and {@code targets.json} are what it
 * last verified. Nothing is kept that did not verify, and the trusted files are replaced atomically.
 *
 * <p>{@link #refresh} throws {@link TufException} for every attack of the specification's list it
 * detects (the reason says which): {@code threshold} (arbitrary software, too few signatures),
 * {@code rollback}, {@code expired} (freeze, expired metadata), {@code too_large} (endless data),
 * {@code hash_mismatch} (mix-and-match, corruption), {@code invalid}. Not thread-safe: one updater
 * thread uses it.
 */
public final class TufClient {
    /** Limits for metadata whose length no other role gives (root, timestamp, targets without length). */
    public record Limits(long root, long timestamp, long snapshot, long targets, int maxRootRotations) {
        public static final Limits DEFAULT = new Limits(512 << 10, 16 << 10, 2 << 20, 8 << 20, 256);
    }

    private final Path dir;
    private final UpdateSource source;
    private final Clock clock;
    private final Limits limits;

    public TufClient(Path dir, UpdateSource source, Clock clock, Limits limits) {
        this.dir = dir;
        this.source = source;
        this.clock = clock;
        this.limits = limits;
    }

    /** The verified targets metadata of the last {@link #refresh}. */
    public record Trusted(int rootVersion, ObjectNode targets) {
        /** A target's entry ({@code length}, {@code hashes}, {@code custom}), or empty. */
        public Optional<JsonNode> target(String name) {
            JsonNode t = targets.path("signed").path("targets").path(name);
            return t.isObject() ? Optional.of(t) : Optional.empty();
        }
    }

    /** Runs steps 5.2 to 5.6: root, timestamp, snapshot, targets. */
    public Trusted refresh() {
        ObjectNode root = trusted("root.json")
                .orElseThrow(() -> new TufException(
                        "invalid",
                        "no pinned root at " + dir.resolve("root.json")
                                + "; reinstall the agent or give it the repository's root.json"));
        RoleKeys startTimestamp = RoleKeys.of(root.path("signed"), "timestamp");
        RoleKeys startSnapshot = RoleKeys.of(root.path("signed"), "snapshot");
        root = updateRoot(root);
        if (!RoleKeys.of(root.path("signed"), "timestamp")
                .keys()
                .keySet()
                .equals(startTimestamp.keys().keySet())) {
            forget("timestamp.json");
            forget("snapshot.json");
        }
        if (!RoleKeys.of(root.path("signed"), "snapshot")
                .keys()
                .keySet()
                .equals(startSnapshot.keys().keySet())) {
            forget("snapshot.json");
        }
        JsonNode rootSigned = root.path("signed");
        ObjectNode timestamp = updateTimestamp(rootSigned);
        ObjectNode snapshot = updateSnapshot(rootSigned, timestamp);
        ObjectNode targets = updateTargets(rootSigned, snapshot);
        return new Trusted(rootSigned.path("version").asInt(), targets);
    }

    /** 5.3: every newer root in turn, each signed by the threshold of the old root's and of its own keys. */
    private ObjectNode updateRoot(ObjectNode trusted) {
        for (int i = 0; i < limits.maxRootRotations(); i++) {
            int next = trusted.path("signed").path("version").asInt() + 1;
            String name = next + ".root.json";
            Optional<byte[]> bytes = source.metadata(name, limits.root());
            if (bytes.isEmpty()) {
                break;
            }
            ObjectNode candidate = TufJson.parse(bytes.get(), name);
            check(candidate, "root", name);
            RoleKeys.of(trusted.path("signed"), "root").verify(candidate, name + " (by the keys of the trusted root)");
            RoleKeys.of(candidate.path("signed"), "root").verify(candidate, name + " (by its own keys)");
            int version = candidate.path("signed").path("version").asInt();
            if (version != next) {
                throw new TufException("rollback", name + " says version " + version + "; expected " + next);
            }
            trusted = candidate;
            persist("root.json", bytes.get());
        }
        expiry(trusted, "root");
        return trusted;
    }

    /** 5.4: the timestamp, signed by the timestamp key, not older than the trusted one, not expired. */
    private ObjectNode updateTimestamp(JsonNode root) {
        byte[] bytes = source.metadata("timestamp.json", limits.timestamp())
                .orElseThrow(() -> new TufException("unreachable", "the update repository has no timestamp.json"));
        ObjectNode fresh = TufJson.parse(bytes, "timestamp.json");
        check(fresh, "timestamp", "timestamp.json");
        RoleKeys.of(root, "timestamp").verify(fresh, "timestamp.json");
        Optional<ObjectNode> old = trusted("timestamp.json");
        if (old.isPresent()) {
            int was = version(old.get());
            int now = version(fresh);
            if (now < was) {
                throw new TufException(
                        "rollback", "timestamp.json version " + now + " is older than the trusted " + was);
            }
            int snapWas = old.get()
                    .path("signed")
                    .path("meta")
                    .path("snapshot.json")
                    .path("version")
                    .asInt();
            int snapNow = fresh.path("signed")
                    .path("meta")
                    .path("snapshot.json")
                    .path("version")
                    .asInt();
            if (snapNow < snapWas) {
                throw new TufException(
                        "rollback",
                        "timestamp.json names snapshot version " + snapNow + ", older than the trusted " + snapWas);
            }
            if (now == was) {
                fresh = old.get();
                bytes = null;
            }
        }
        expiry(fresh, "timestamp");
        if (bytes != null) {
            persist("timestamp.json", bytes);
        }
        return fresh;
    }

    /** 5.5: the snapshot the timestamp names (version, length, hash), signed, not rolled back, not expired. */
    private ObjectNode updateSnapshot(JsonNode root, ObjectNode timestamp) {
        JsonNode meta = timestamp.path("signed").path("meta").path("snapshot.json");
        int version = meta.path("version").asInt();
        Optional<ObjectNode> old = trusted("snapshot.json");
        if (old.isPresent() && version(old.get()) == version) {
            expiry(old.get(), "snapshot");
            return old.get();
        }
        String name = version + ".snapshot.json";
        long max = meta.has("length") ? meta.path("length").asLong() : limits.snapshot();
        byte[] bytes = source.metadata(name, max)
                .orElseThrow(() -> new TufException("unreachable", "the update repository has no " + name));
        checkHashes(bytes, meta, name);
        ObjectNode fresh = TufJson.parse(bytes, name);
        check(fresh, "snapshot", name);
        RoleKeys.of(root, "snapshot").verify(fresh, name);
        if (version(fresh) != version) {
            throw new TufException(
                    "hash_mismatch",
                    name + " says version " + version(fresh) + " but timestamp.json names " + version
                            + " (mix-and-match)");
        }
        if (old.isPresent()) {
            var was = old.get().path("signed").path("meta").properties();
            for (var e : was) {
                JsonNode now = fresh.path("signed").path("meta").path(e.getKey());
                if (!now.isObject()) {
                    throw new TufException("rollback", name + " no longer lists " + e.getKey());
                }
                if (now.path("version").asInt() < e.getValue().path("version").asInt()) {
                    throw new TufException(
                            "rollback",
                            name + " names " + e.getKey() + " version "
                                    + now.path("version").asInt() + ", older than the trusted "
                                    + e.getValue().path("version").asInt());
                }
            }
        }
        expiry(fresh, "snapshot");
        persist("snapshot.json", bytes);
        return fresh;
    }

    /** 5.6: the targets metadata the snapshot names, signed by the targets key, not expired. */
    private ObjectNode updateTargets(JsonNode root, ObjectNode snapshot) {
        JsonNode meta = snapshot.path("signed").path("meta").path("targets.json");
        if (!meta.isObject()) {
            throw new TufException("invalid", "snapshot.json lists no targets.json");
        }
        int version = meta.path("version").asInt();
        Optional<ObjectNode> old = trusted("targets.json");
        if (old.isPresent() && version(old.get()) == version) {
            expiry(old.get(), "targets");
            return old.get();
        }
        String name = version + ".targets.json";
        long max = meta.has("length") ? meta.path("length").asLong() : limits.targets();
        byte[] bytes = source.metadata(name, max)
                .orElseThrow(() -> new TufException("unreachable", "the update repository has no " + name));
        checkHashes(bytes, meta, name);
        ObjectNode fresh = TufJson.parse(bytes, name);
        check(fresh, "targets", name);
        RoleKeys.of(root, "targets").verify(fresh, name);
        if (version(fresh) != version) {
            throw new TufException(
                    "hash_mismatch",
                    name + " says version " + version(fresh) + " but snapshot.json names " + version
                            + " (mix-and-match)");
        }
        expiry(fresh, "targets");
        persist("targets.json", bytes);
        return fresh;
    }

    /**
     * 5.7: downloads target {@code name} (its entry from {@link Trusted#target}) into {@code into},
     * resuming a partial download, and returns the file once its length and SHA-256 match. A file that
     * does not match is deleted.
     */
    public Path download(String name, JsonNode target, Path into) {
        long length = target.path("length").asLong(-1);
        String sha = target.path("hashes").path("sha256").asText();
        if (length < 0 || sha.length() != 64) {
            throw new TufException("invalid", "target " + name + " has no length or sha256");
        }
        int slash = name.lastIndexOf('/');
        String remote = (slash < 0 ? "" : name.substring(0, slash + 1)) + sha + "." + name.substring(slash + 1);
        Path partial = into.resolve(sha + ".partial");
        Path done = into.resolve(sha + "." + name.substring(slash + 1));
        try {
            Files.createDirectories(into);
            if (Files.exists(done) && sha256(done).equals(sha)) {
                return done;
            }
            source.target(remote, partial, length);
            long got = Files.size(partial);
            if (got != length) {
                if (got > length) {
                    Files.deleteIfExists(partial);
                }
                throw new TufException(
                        got > length ? "too_large" : "truncated",
                        "target " + name + " has " + got + " of its " + length + " bytes");
            }
            String actual = sha256(partial);
            if (!actual.equals(sha)) {
                Files.deleteIfExists(partial);
                throw new TufException(
                        "hash_mismatch",
                        "target " + name + " has SHA-256 " + actual + ", not the signed " + sha
                                + "; the download was deleted");
            }
            Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return done;
        } catch (IOException e) {
            throw new TufException("io", "cannot store target " + name + " in " + into + ": " + e.getMessage(), e);
        }
    }

    // --- checks ---------------------------------------------------------------------------------

    private void check(JsonNode envelope, String type, String name) {
        JsonNode signed = envelope.path("signed");
        if (!type.equals(signed.path("_type").asText())) {
            throw new TufException(
                    "invalid", name + " is of type \"" + signed.path("_type").asText() + "\", not " + type);
        }
        if (!signed.path("spec_version").asText().startsWith("1.")) {
            throw new TufException(
                    "invalid",
                    name + " is of TUF spec version "
                            + signed.path("spec_version").asText() + "; this agent reads 1.x");
        }
        if (!signed.path("version").canConvertToInt() || signed.path("version").asInt() < 1) {
            throw new TufException("invalid", name + " has no version");
        }
    }

    private void expiry(JsonNode envelope, String role) {
        Instant expires = TufJson.time(envelope.path("signed").path("expires").asText(), role);
        if (!clock.instant().isBefore(expires)) {
            throw new TufException(
                    "expired",
                    "the update repository's " + role + " metadata expired at " + expires
                            + "; updates stop until the hub signs it again (the agent keeps working)");
        }
    }

    private static void checkHashes(byte[] bytes, JsonNode meta, String name) {
        if (meta.has("length") && bytes.length != meta.path("length").asLong()) {
            throw new TufException(
                    "hash_mismatch",
                    name + " has " + bytes.length + " bytes; the signed length is "
                            + meta.path("length").asLong());
        }
        String sha = meta.path("hashes").path("sha256").asText(null);
        if (sha != null && !sha.equals(TufJson.sha256(bytes))) {
            throw new TufException(
                    "hash_mismatch", name + " does not match the SHA-256 the role above signed (mix-and-match)");
        }
    }

    private static int version(JsonNode envelope) {
        return envelope.path("signed").path("version").asInt();
    }

    private Optional<ObjectNode> trusted(String name) {
        try {
            return Optional.of(TufJson.parse(
                    Files.readAllBytes(dir.resolve(name)), dir.resolve(name).toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new TufException("io", "cannot read trusted " + name + ": " + e.getMessage(), e);
        }
    }

    private void persist(String name, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + name, ".tmp");
            try {
                Files.write(temp, bytes);
                Files.move(
                        temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new TufException("io", "cannot store trusted " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void forget(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            throw new TufException("io", "cannot delete trusted " + name + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
