package io.enginex.edge.agent.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.FileLocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code vault.json} in the agent's state folder: named secrets, sealed with a key from {@link
 * VaultKeys} ({@link Sealed}), owner-only, replaced atomically on every change.
 *
 * <p>Expiry is enforced on every read: an expired secret is never returned, is removed from the file
 * at once, and is reported to {@code onExpired} (the agent audits it). {@link #sweep} does the same
 * without a read, for the agent's periodic sweep.
 *
 * <p>Thread-safe, and safe across processes ({@code enginex-agent secrets} while the agent runs): every
 * read-modify-write holds {@code vault.lock} ({@link FileLocks}).
 */
public final class Vault {
    /** The vault's file name in the state folder. */
    public static final String FILE = "vault.json";

    static final String LOCK_FILE = "vault.lock";
    static final int KEY_BYTES = 32;

    /** The largest value the vault keeps. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    private final Path stateDir;
    private final Path file;
    private final KeyStores stores;
    private final Clock clock;
    private final SecureRandom random;
    private final ObjectMapper mapper;
    private final Consumer<String> onExpired;

    /**
     * @param onExpired told the name of each secret removed because it expired (any thread)
     */
    public Vault(
            Path stateDir,
            KeyStores stores,
            Clock clock,
            SecureRandom random,
            ObjectMapper mapper,
            Consumer<String> onExpired) {
        this.stateDir = stateDir;
        this.file = stateDir.resolve(FILE);
        this.stores = stores;
        this.clock = clock;
        this.random = random;
        this.mapper = mapper;
        this.onExpired = onExpired;
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /**
     * What {@link #set} did.
     *
     * @param replaced an entry of that name was there before
     * @param keyStore where the vault's key is, for the person
     * @param warning what the person should know about the key store (the file fallback), or null
     */
    public record Stored(boolean replaced, String keyStore, String warning) {}

    /**
     * Adds or replaces a secret. A new vault takes its key from the store {@code keyStore} names
     * ({@link KeyStores#choose}); an existing one keeps its own.
     *
     * @param expires when the secret is removed, or null for never
     * @param keyStore {@code auto}, {@code kernel-keyring} or {@code file}; only used for a new vault
     */
    public Stored set(String name, String value, Instant expires, String keyStore) {
        return set(name, value, expires, keyStore, false);
    }

    /**
     * As {@link #set(String, String, Instant, String)}, for a secret only approved jobs may use when
     * {@code approvalRequired}.
     */
    public Stored set(String name, String value, Instant expires, String keyStore, boolean approvalRequired) {
        return put(name, value, expires, keyStore, approvalRequired, false, false);
    }

    /**
     * Stores a secret the hub delivered (replacing one of that name), which the hub may remove again
     * ({@link #removeFromHub}).
     *
     * @param use {@code auto}, {@code approval} (only approved jobs may use it) or {@code consent} (each
     *     use needs the consent of the person at the machine)
     */
    public Stored setFromHub(String name, String value, Instant expires, String use) {
        return put(name, value, expires, "auto", "approval".equals(use), "consent".equals(use), true);
    }

    private Stored put(
            String name,
            String value,
            Instant expires,
            String keyStore,
            boolean approvalRequired,
            boolean consentRequired,
            boolean fromHub) {
        SecretNames.check(name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the value of secret " + name + " is empty; nothing was stored");
        }
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("the value of secret " + name + " is larger than " + MAX_VALUE_BYTES
                    + " bytes; nothing was stored");
        }
        Instant now = clock.instant();
        if (expires != null && !expires.isAfter(now)) {
            throw new IllegalArgumentException("the expiry of secret " + name + " (" + expires + ") has passed");
        }
        return locked(() -> {
            Opened opened = exists() ? open() : create(keyStore);
            Map<String, SecretEntry> entries = live(opened.entries(), now, opened);
            boolean replaced = entries.put(
                            name,
                            new SecretEntry(name, value, now, expires, approvalRequired, consentRequired, fromHub))
                    != null;
            write(opened, entries);
            return new Stored(replaced, opened.keys().describe(opened.header().keyName()), opened.warning());
        });
    }

    /** The secret, unless it is missing or expired (an expired one is removed now). */
    public Optional<SecretEntry> get(String name) {
        return Optional.ofNullable(current().get(name));
    }

    /** Every secret that has not expired, by name (expired ones are removed now). */
    public List<SecretEntry> list() {
        return List.copyOf(current().values());
    }

    /** @return true when it was there */
    public boolean remove(String name) {
        SecretNames.check(name);
        return locked(() -> {
            if (!exists()) {
                return false;
            }
            Opened opened = open();
            Map<String, SecretEntry> entries = live(opened.entries(), clock.instant(), opened);
            boolean removed = entries.remove(name) != null;
            write(opened, entries);
            return removed;
        });
    }

    /**
     * Removes the secret {@code name} if the hub delivered it (the tenant deleted it, or it no longer
     * applies to this agent); a secret of that name set on the machine stays.
     *
     * @return true when a delivered secret of that name was there
     */
    public boolean removeFromHub(String name) {
        SecretNames.check(name);
        return locked(() -> {
            if (!exists()) {
                return false;
            }
            Opened opened = open();
            Map<String, SecretEntry> entries = live(opened.entries(), clock.instant(), opened);
            SecretEntry entry = entries.get(name);
            if (entry == null || !entry.fromHub()) {
                return false;
            }
            entries.remove(name);
            write(opened, entries);
            return true;
        });
    }

    /**
     * Removes the expired secrets without a read by anyone.
     *
     * @return the names removed
     * @throws VaultException when the vault cannot be opened (its key is gone, the file is damaged)
     */
    public List<String> sweep() {
        return locked(() -> {
            if (!exists()) {
                return List.of();
            }
            Opened opened = open();
            List<String> expired = new ArrayList<>();
            Instant now = clock.instant();
            opened.entries().values().stream().filter(e -> e.expiredAt(now)).forEach(e -> expired.add(e.name()));
            if (!expired.isEmpty()) {
                live(opened.entries(), now, opened);
            }
            return expired;
        });
    }

    /**
     * Deletes the vault file and its key (from the keystore, or {@code vault.key}), also when the file
     * cannot be opened any more.
     *
     * @return true when there was a vault or a key file to delete
     */
    public boolean wipe() {
        return locked(() -> {
            boolean had = false;
            if (exists()) {
                had = true;
                try {
                    Sealed.Header header = Sealed.header(mapper.readTree(Files.readAllBytes(file)), file);
                    stores.named(header.keyStore()).delete(header.keyName());
                } catch (VaultException | IOException e) {
                    // The file is deleted all the same; a key left in a keystore opens nothing without it.
                }
                Files.delete(file);
            }
            had |= Files.deleteIfExists(stateDir.resolve(FileKey.FILE));
            return had;
        });
    }

    private Map<String, SecretEntry> current() {
        return locked(() -> {
            if (!exists()) {
                return Map.of();
            }
            Opened opened = open();
            return live(opened.entries(), clock.instant(), opened);
        });
    }

    /** The entries that have not expired; when some had, the file is rewritten without them first. */
    private Map<String, SecretEntry> live(Map<String, SecretEntry> entries, Instant now, Opened opened)
            throws IOException {
        Map<String, SecretEntry> live = new LinkedHashMap<>();
        List<String> expired = new ArrayList<>();
        entries.forEach((name, entry) -> {
            if (entry.expiredAt(now)) {
                expired.add(name);
            } else {
                live.put(name, entry);
            }
        });
        if (!expired.isEmpty()) {
            write(opened, live);
            expired.forEach(onExpired);
        }
        return live;
    }

    private Opened create(String keyStore) {
        KeyStores.Choice choice = stores.choose(keyStore);
        String keyName = switch (choice.keys().kind()) {
            case FileKey.KIND -> FileKey.FILE;
            case SystemdCredential.KIND -> SystemdCredential.NAME;
            default -> "enginex-agent-vault:" + HexFormat.of().formatHex(randomBytes(16));
        };
        byte[] key = choice.keys().newKey(keyName, random);
        Sealed.Header header = new Sealed.Header(choice.keys().kind(), keyName, Sealed.keyCheck(key));
        return new Opened(header, choice.keys(), key, new LinkedHashMap<>(), choice.warning());
    }

    private Opened open() throws IOException {
        byte[] bytes = OwnerOnly.read(file, "vault file");
        JsonNode envelope;
        try {
            envelope = mapper.readTree(bytes);
        } catch (IOException e) {
            throw Sealed.damaged(file, "it is not JSON");
        }
        Sealed.Header header = Sealed.header(envelope, file);
        VaultKeys keys = stores.named(header.keyStore());
        byte[] key = keys.load(header.keyName());
        byte[] plain = Sealed.open(envelope, header, key, keys.describe(header.keyName()), file);
        Map<String, SecretEntry> entries = new LinkedHashMap<>();
        try {
            for (JsonNode e : mapper.readTree(plain).path("entries")) {
                String name = e.path("name").asText();
                entries.put(
                        name,
                        new SecretEntry(
                                name,
                                e.path("value").asText(),
                                Instant.parse(e.path("created").asText()),
                                e.hasNonNull("expires")
                                        ? Instant.parse(e.get("expires").asText())
                                        : null,
                                e.path("approvalRequired").asBoolean(false),
                                e.path("consentRequired").asBoolean(false),
                                e.path("fromHub").asBoolean(false)));
            }
        } catch (RuntimeException e) {
            throw Sealed.damaged(file, "its sealed entries do not parse");
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
        return new Opened(header, keys, key, entries, null);
    }

    private void write(Opened opened, Map<String, SecretEntry> entries) throws IOException {
        ObjectNode plain = mapper.createObjectNode();
        ArrayNode list = plain.putArray("entries");
        for (SecretEntry entry : entries.values()) {
            ObjectNode e = list.addObject()
                    .put("name", entry.name())
                    .put("value", entry.value())
                    .put("created", entry.created().toString());
            if (entry.expires() != null) {
                e.put("expires", entry.expires().toString());
            }
            if (entry.approvalRequired()) {
                e.put("approvalRequired", true);
            }
            if (entry.consentRequired()) {
                e.put("consentRequired", true);
            }
            if (entry.fromHub()) {
                e.put("fromHub", true);
            }
        }
        byte[] bytes = mapper.writeValueAsBytes(plain);
        try {
            OwnerOnly.replace(file, Sealed.seal(opened.header(), opened.key(), bytes, random, mapper));
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T locked(FileLocks.Work<T> action) {
        try {
            Files.createDirectories(stateDir);
            return FileLocks.with(stateDir.resolve(LOCK_FILE), action);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot use the vault in " + stateDir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); run as the agent's user, or with sudo for the service's state folder",
                    e);
        }
    }

    private record Opened(
            Sealed.Header header, VaultKeys keys, byte[] key, Map<String, SecretEntry> entries, String warning) {}
}
