package io.enginex.edge.agent.vault;

/**
 * Where the key that seals the vault lives: an OS keystore ({@link KernelKeyring} on Linux, or
 * {@link SystemdCredential} for the system service; the
 * Windows DPAPI and the macOS Keychain are not implemented yet, {@link NotYetKeystore}), or, only
 * where none is usable, a separate owner-only file ({@link FileKey}). The vault file names its key
 * store and key, so a vault is always opened with the store that sealed it.
 *
 * <p>Implementations are thread-safe. Keys are 32 random bytes (AES-256).
 */
public interface VaultKeys {
    /** The store's name as written in the vault file, e.g. {@code kernel-keyring}. */
    String kind();

    /** Where the key is, for messages: e.g. {@code the kernel keyring of user 1000 (@u)}. */
    String describe(String keyName);

    /**
     * Stores a new key under {@code keyName}.
     *
     * @throws VaultException when the store refuses
     */
    void create(String keyName, byte[] key);

    /**
     * The key stored under {@code keyName}.
     *
     * @throws VaultException when it is not there (saying what that means for the vault) or
     *     the store cannot be read
     */
    byte[] load(String keyName);

    /**
     * The key of a new vault under {@code keyName}: by default 32 random bytes, stored with {@link
     * #create}; a store that is handed its key (a systemd credential) returns that instead.
     */
    default byte[] newKey(String keyName, java.security.SecureRandom random) {
        byte[] key = new byte[Vault.KEY_BYTES];
        random.nextBytes(key);
        create(keyName, key);
        return key;
    }

    /** Removes the key; nothing happens when it is not there. */
    void delete(String keyName);
}
