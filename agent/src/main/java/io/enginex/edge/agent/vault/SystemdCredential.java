package io.enginex.edge.agent.vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The vault's key as a systemd credential of the agent's system service: the unit loads it with
 * {@code LoadCredentialEncrypted=enginex-vault-key:…} (sealed to the TPM and/or the host key by {@code
 * systemd-creds encrypt}), and systemd decrypts it at every start into {@code
 * $CREDENTIALS_DIRECTORY/enginex-vault-key}, a read-only file only the service can read, gone when it
 * stops. Unlike the kernel keyring, it survives reboots; unlike the key file, a copy of the state
 * folder (a backup, a disk taken from the machine without its TPM or host key) opens nothing.
 *
 * <p>The key is systemd's, not the agent's: the agent never writes or deletes it. A wipe deletes the
 * vault file; the credential then opens nothing until a new vault is sealed with it. Only a process
 * that systemd gave the credential (the service, or {@code systemd-run -p LoadCredentialEncrypted=…})
 * can open the vault. Thread-safe.
 */
final class SystemdCredential implements VaultKeys {
    static final String KIND = "systemd-credential";

    /** The credential's name in the unit and in {@code $CREDENTIALS_DIRECTORY}. */
    static final String NAME = "enginex-vault-key";

    private final Optional<Path> credentialsDir;

    /** @param credentialsDir {@code $CREDENTIALS_DIRECTORY}, or empty when systemd gave this process none */
    SystemdCredential(Optional<Path> credentialsDir) {
        this.credentialsDir = credentialsDir;
    }

    /** Why the credential cannot be used by this process, or empty when it can. */
    Optional<String> unusable() {
        if (credentialsDir.isEmpty()) {
            return Optional.of("this process has no systemd credentials ($CREDENTIALS_DIRECTORY is not set: it is not"
                    + " the system service, or its unit has no LoadCredentialEncrypted=" + NAME + ":…)");
        }
        if (!Files.isRegularFile(credentialsDir.get().resolve(NAME))) {
            return Optional.of("the service's credentials in " + credentialsDir.get() + " have no " + NAME
                    + " (add LoadCredentialEncrypted=" + NAME + ":/etc/credstore.encrypted/" + NAME
                    + " to the unit, docs/security/VAULT.md)");
        }
        return Optional.empty();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe(String keyName) {
        return "the systemd credential " + keyName + " of the agent's service";
    }

    /** The credential is the key: nothing is made, it is read (and checked) instead. */
    @Override
    public byte[] newKey(String keyName, SecureRandom random) {
        return load(keyName);
    }

    @Override
    public void create(String keyName, byte[] key) {
        throw new VaultException("a systemd credential is made by the machine's administrator (systemd-creds"
                + " encrypt), never by the agent");
    }

    @Override
    public byte[] load(String keyName) {
        if (!NAME.equals(keyName)) {
            // The name comes from the vault file's header: never let it point at another file.
            throw new VaultException("the vault file names the systemd credential \"" + keyName + "\", not " + NAME
                    + "; the file was changed: run enginex-agent secrets wipe");
        }
        Optional<String> why = unusable();
        if (why.isPresent()) {
            throw new VaultException("the vault's key is the systemd credential " + keyName + ", which this process"
                    + " cannot read: " + why.get() + ". Use the vault from the service, or as root with systemd-run"
                    + " -p LoadCredentialEncrypted=" + NAME + ":/etc/credstore.encrypted/" + NAME
                    + " -p User=enginex-agent --pipe --wait enginex-agent secrets …");
        }
        Path file = credentialsDir.orElseThrow().resolve(keyName);
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot read the systemd credential " + file + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
        if (key.length != Vault.KEY_BYTES) {
            int length = key.length;
            java.util.Arrays.fill(key, (byte) 0);
            throw new VaultException("the systemd credential " + file + " holds " + length + " bytes, not "
                    + Vault.KEY_BYTES + "; make it with: head -c 32 /dev/urandom | systemd-creds encrypt --name="
                    + NAME + " - /etc/credstore.encrypted/" + NAME);
        }
        return key;
    }

    /** systemd owns the credential: a wipe leaves it, and without a vault file it opens nothing. */
    @Override
    public void delete(String keyName) {}
}
