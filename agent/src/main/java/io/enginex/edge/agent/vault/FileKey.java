package io.enginex.edge.agent.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fallback where no OS keystore is usable: the key in {@code vault.key}, a separate owner-only
 * file beside the vault. It keeps the vault's values out of backups of {@code vault.json} alone, but
 * anyone who can read the agent's state folder (its account, root, a full backup, a stolen unencrypted
 * disk) can read the secrets: docs/security/VAULT.md states the risk.
 */
final class FileKey implements VaultKeys {
    static final String KIND = "file";
    static final String FILE = "vault.key";

    private final Path stateDir;

    FileKey(Path stateDir) {
        this.stateDir = stateDir;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe(String keyName) {
        return "the key file " + stateDir.resolve(FILE);
    }

    @Override
    public void create(String keyName, byte[] key) {
        try {
            OwnerOnly.replace(stateDir.resolve(FILE), key);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot write the vault's key file " + stateDir.resolve(FILE) + " ("
                            + e.getClass().getSimpleName() + "); run as the agent's user",
                    e);
        }
    }

    @Override
    public byte[] load(String keyName) {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new VaultException("the vault's key file " + file + " is gone, so the secrets in the vault cannot be"
                    + " read; run enginex-agent secrets wipe and set them again");
        }
        byte[] key = OwnerOnly.read(file, "vault key file");
        if (key.length != Vault.KEY_BYTES) {
            throw new VaultException("the vault's key file " + file + " is damaged (" + key.length + " bytes, not "
                    + Vault.KEY_BYTES + "); run enginex-agent secrets wipe and set the secrets again");
        }
        return key;
    }

    @Override
    public void delete(String keyName) {
        try {
            Files.deleteIfExists(stateDir.resolve(FILE));
        } catch (IOException e) {
            throw new VaultException(
                    "cannot delete the vault's key file " + stateDir.resolve(FILE) + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }
}
