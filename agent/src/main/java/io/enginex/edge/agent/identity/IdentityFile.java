package io.enginex.edge.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.TrustSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <state-dir>/identity.json}: the saved {@link AgentIdentity}, private key included, and
 * while a key rotation's outcome is unknown, its {@link PendingKey}.
 *
 * <p>The hub's addresses are {@code hubUrls}, a list; {@code hubUrl} holds the first as well, so an
 * older agent (after a downgrade) still finds its hub. A file with only {@code hubUrl}, as agents
 * before several addresses wrote it, reads as a list of one.
 *
 * <p>On POSIX systems the state directory is mode 700 and the file mode 600; the file is written to a
 * temporary file that has those permissions before the key is written, then moved over the old one
 * atomically, so a crash leaves either the old or the new identity. {@link #load()} refuses a file
 * that other users can read. (On Windows the directory's inherited ACL applies; tightening it is the
 * installer's job.)
 */
public final class IdentityFile {
    public static final String FILE_NAME = "identity.json";

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private final Path stateDir;
    private final Path file;
    private final ObjectMapper mapper;

    public IdentityFile(Path stateDir, ObjectMapper mapper) {
        this.stateDir = stateDir;
        this.file = stateDir.resolve(FILE_NAME);
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /**
     * Reads the identity.
     *
     * @throws IdentityException when the file is missing, readable by others, or damaged
     */
    public AgentIdentity load() {
        JsonNode json = readJson();
        try {
            return fromJson(json);
        } catch (RuntimeException | GeneralSecurityException e) {
            throw damaged(e);
        }
    }

    /**
     * The key a rotation offered to the hub without seeing its answer, if any ({@link PendingKey}).
     *
     * @throws IdentityException when the file is missing, readable by others, or damaged
     */
    public Optional<PendingKey> loadPendingKey() {
        JsonNode pending = readJson().path("pendingKey");
        if (pending.isMissingNode() || pending.isNull()) {
            return Optional.empty();
        }
        try {
            KeyFactory keys = KeyFactory.getInstance("Ed25519");
            return Optional.of(new PendingKey(
                    publicKey(keys, required(pending, "publicKey")),
                    privateKey(keys, required(pending, "privateKey")),
                    Instant.parse(required(pending, "createdAt"))));
        } catch (RuntimeException | GeneralSecurityException e) {
            throw damaged(e);
        }
    }

    private JsonNode readJson() {
        if (isPosix()) {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(file);
            } catch (NoSuchFileException e) {
                throw missing();
            } catch (IOException e) {
                throw new IdentityException("cannot read " + file + ": " + e, e);
            }
            if (!intersect(permissions, OTHERS).isEmpty()) {
                throw new IdentityException("refusing to use " + file + ": it is accessible by other users (mode "
                        + PosixFilePermissions.toString(permissions) + ") and holds this agent's private key."
                        + " Fix: chmod 600 " + file);
            }
        }
        try {
            return mapper.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw missing();
        } catch (IOException e) {
            throw new IdentityException(
                    "cannot read " + file + " (" + e.getMessage()
                            + "); if it is damaged, re-register: enginex-agent register --force …",
                    e);
        }
    }

    private IdentityException damaged(Exception e) {
        // These messages name fields, URLs and encodings, never key material.
        return new IdentityException(
                "identity file " + file + " is damaged or unusable (" + e.getMessage()
                        + "); re-register: enginex-agent register --force --server URL --token TOKEN",
                e);
    }

    /**
     * Writes {@code identity}, replacing any earlier one, and any pending key, atomically.
     *
     * @throws IdentityException when the directory or file cannot be written
     */
    public void save(AgentIdentity identity) {
        write(toJson(identity));
    }

    /**
     * Writes {@code identity} with {@code pending} beside its key, atomically and flushed to disk, so
     * that the key survives a crash before the hub's answer arrives.
     *
     * @throws IdentityException when the directory or file cannot be written
     */
    public void savePendingKey(AgentIdentity identity, PendingKey pending) {
        ObjectNode json = toJson(identity);
        json.putObject("pendingKey")
                .put("publicKey", AgentIdentity.encodePublicKey(pending.publicKey()))
                .put(
                        "privateKey",
                        Base64.getEncoder().encodeToString(pending.privateKey().getEncoded()))
                .put("createdAt", pending.createdAt().toString());
        write(json);
    }

    private void write(ObjectNode identity) {
        byte[] json;
        try {
            json = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(identity);
        } catch (IOException e) {
            throw new IdentityException("cannot encode the identity", e);
        }
        Path temp = null;
        try {
            createStateDir();
            temp = isPosix()
                    ? Files.createTempFile(
                            stateDir, ".identity-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                    : Files.createTempFile(stateDir, ".identity-", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveAtomically(temp, file);
            temp = null;
        } catch (IOException e) {
            throw new IdentityException(
                    "cannot write " + file + " (" + e + "); check that the state directory " + stateDir
                            + " is writable by this user, or pass another --state-dir",
                    e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file is owner-only and harmless.
                }
            }
        }
    }

    private void createStateDir() throws IOException {
        if (isPosix()) {
            if (!Files.isDirectory(stateDir)) {
                Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            }
            // Also tightens a directory that existed before (made by hand, or by an older version).
            Files.setPosixFilePermissions(stateDir, OWNER_ONLY_DIR);
        } else {
            Files.createDirectories(stateDir);
        }
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private ObjectNode toJson(AgentIdentity identity) {
        ObjectNode json = mapper.createObjectNode()
                .put("version", 1)
                .put("agentId", identity.agentId())
                .put("tenant", identity.tenant())
                .put("hubUrl", identity.hub().toString());
        identity.hubs().all().forEach(url -> json.withArray("hubUrls").add(url.toString()));
        identity.labels().forEach(json.putArray("labels")::add);
        if (identity.labels().isEmpty()) {
            json.putArray("labels");
        }
        if (identity.trust().pin() != null) {
            json.put("pin", identity.trust().pin());
        }
        if (identity.trust().caFile() != null) {
            json.put("caFile", identity.trust().caFile().toString());
        }
        return json.put("registeredAt", identity.registeredAt().toString())
                .put("keyCreatedAt", identity.keyCreatedAt().toString())
                .put("publicKey", identity.publicKeyBase64())
                .put(
                        "privateKey",
                        Base64.getEncoder().encodeToString(identity.privateKey().getEncoded()));
    }

    private static AgentIdentity fromJson(JsonNode json) throws GeneralSecurityException {
        KeyFactory keys = KeyFactory.getInstance("Ed25519");
        List<String> labels = new ArrayList<>();
        json.path("labels").forEach(label -> labels.add(label.asText()));
        String pin = json.hasNonNull("pin") ? json.get("pin").asText() : null;
        Path caFile = json.hasNonNull("caFile") ? Path.of(json.get("caFile").asText()) : null;
        Instant registeredAt = Instant.parse(required(json, "registeredAt"));
        // Files written before key rotation was scheduled have no keyCreatedAt: the key dates from registration.
        Instant keyCreatedAt =
                json.hasNonNull("keyCreatedAt") ? Instant.parse(required(json, "keyCreatedAt")) : registeredAt;
        return new AgentIdentity(
                required(json, "agentId"),
                required(json, "tenant"),
                labels,
                hubs(json),
                new TrustSettings(pin, caFile),
                publicKey(keys, required(json, "publicKey")),
                privateKey(keys, required(json, "privateKey")),
                registeredAt,
                keyCreatedAt);
    }

    /** {@code hubUrls} when present (written since several addresses), else the one {@code hubUrl}. */
    private static HubAddresses hubs(JsonNode json) {
        JsonNode list = json.get("hubUrls");
        if (list == null || list.isNull()) {
            return HubAddresses.of(HubEndpoint.parse(required(json, "hubUrl")));
        }
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("hubUrls must be a list of at least one URL");
        }
        List<HubEndpoint> endpoints = new ArrayList<>();
        for (JsonNode url : list) {
            if (!url.isTextual()) {
                throw new IllegalArgumentException("hubUrls must hold URLs as strings, found " + url);
            }
            endpoints.add(HubEndpoint.parse(url.textValue()));
        }
        return new HubAddresses(endpoints);
    }

    private static PublicKey publicKey(KeyFactory keys, String base64) throws GeneralSecurityException {
        return keys.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static PrivateKey privateKey(KeyFactory keys, String base64) throws GeneralSecurityException {
        return keys.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String required(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return value.textValue();
    }

    private IdentityException missing() {
        return new IdentityException("this agent is not registered yet (no " + file
                + "): run enginex-agent register --server URL --token TOKEN");
    }

    private boolean isPosix() {
        return stateDir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static Set<PosixFilePermission> intersect(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
        Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
        result.addAll(a);
        result.retainAll(b);
        return result;
    }
}
