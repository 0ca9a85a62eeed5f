package io.enginex.edge.agent.vault;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Picks the {@link VaultKeys} of a vault: the one its file names, or, for a new vault, the OS keystore
 * of this machine, falling back to {@link FileKey} only where no keystore is usable (and saying so).
 *
 * <p>Thread-safe.
 */
public final class KeyStores {
    /** {@code --key-store} values. */
    public static final String AUTO = "auto";

    private final Path stateDir;
    private final String osName;
    private final Supplier<Optional<String>> kernelKeyringUnusable;
    private final SystemdCredential systemdCredential;

    /**
     * @param stateDir where {@link FileKey} keeps {@code vault.key}
     * @param osName {@code os.name}
     */
    public KeyStores(Path stateDir, String osName) {
        this(stateDir, osName, KernelKeyring::unusable);
    }

    KeyStores(Path stateDir, String osName, Supplier<Optional<String>> kernelKeyringUnusable) {
        this(stateDir, osName, kernelKeyringUnusable, Optional.empty());
    }

    /**
     * @param credentialsDir {@code $CREDENTIALS_DIRECTORY}: the systemd credentials this process was
     *     given, or empty
     */
    KeyStores(
            Path stateDir,
            String osName,
            Supplier<Optional<String>> kernelKeyringUnusable,
            Optional<Path> credentialsDir) {
        this.stateDir = stateDir;
        this.osName = osName.toLowerCase(Locale.ROOT);
        this.kernelKeyringUnusable = kernelKeyringUnusable;
        this.systemdCredential = new SystemdCredential(credentialsDir);
    }

    /** For this process's state folder, OS and systemd credentials ({@code $CREDENTIALS_DIRECTORY}). */
    public static KeyStores forThisMachine(Path stateDir) {
        String credentials = System.getenv("CREDENTIALS_DIRECTORY");
        return new KeyStores(
                stateDir,
                System.getProperty("os.name", ""),
                KernelKeyring::unusable,
                credentials == null || credentials.isBlank() ? Optional.empty() : Optional.of(Path.of(credentials)));
    }

    /** The store that sealed an existing vault, by the name its file gives. */
    VaultKeys named(String kind) {
        return switch (kind) {
            case KernelKeyring.KIND ->
                new KernelKeyring(
                        KernelKeyring.findKeyctl()
                                .orElseThrow(
                                        () -> new VaultException(
                                                "the vault's key is in the kernel keyring, but the keyctl"
                                                        + " tool is not installed; install it (Debian/Ubuntu: sudo apt-get install keyutils)")));
            case FileKey.KIND -> new FileKey(stateDir);
            case SystemdCredential.KIND -> systemdCredential;
            case "dpapi" -> NotYetKeystore.dpapi();
            case "keychain" -> NotYetKeystore.keychain();
            default ->
                throw new VaultException("the vault file names an unknown key store \"" + kind
                        + "\" (written by a newer agent?); use that agent, or run enginex-agent secrets wipe");
        };
    }

    /**
     * The store for a new vault.
     *
     * @param preference {@code auto} (a systemd credential given to this service, else this OS's
     *     keystore, else the key file), {@code systemd-credential}, {@code kernel-keyring} or {@code file}
     * @throws VaultException when the preferred store is not usable here, naming why
     */
    Choice choose(String preference) {
        return switch (preference) {
            case FileKey.KIND ->
                new Choice(
                        new FileKey(stateDir),
                        "the vault's key is kept in a file (--key-store file): anyone who can" + " read " + stateDir
                                + " can read the secrets");
            case KernelKeyring.KIND -> {
                Optional<String> why = kernelKeyringUnusable.get();
                if (why.isPresent()) {
                    throw new VaultException("the kernel keyring cannot be used here: " + why.get());
                }
                yield new Choice(named(KernelKeyring.KIND), null);
            }
            case SystemdCredential.KIND -> {
                Optional<String> why = systemdCredential.unusable();
                if (why.isPresent()) {
                    throw new VaultException("a systemd credential cannot be used here: " + why.get());
                }
                yield new Choice(systemdCredential, null);
            }
            case AUTO -> auto();
            default ->
                throw new IllegalArgumentException("--key-store must be auto, systemd-credential, kernel-keyring or"
                        + " file, not \"" + preference + "\"");
        };
    }

    private Choice auto() {
        if (osName.startsWith("windows")) {
            return new Choice(NotYetKeystore.dpapi(), null);
        }
        if (osName.startsWith("mac")) {
            return new Choice(NotYetKeystore.keychain(), null);
        }
        // The service's credential survives reboots, which the kernel keyring does not.
        if (systemdCredential.unusable().isEmpty()) {
            return new Choice(systemdCredential, null);
        }
        Optional<String> why = kernelKeyringUnusable.get();
        if (why.isEmpty()) {
            return new Choice(named(KernelKeyring.KIND), null);
        }
        return new Choice(
                new FileKey(stateDir),
                "no OS keystore is usable here (" + why.get()
                        + "), so the vault's key is kept in " + stateDir.resolve(FileKey.FILE)
                        + ": anyone who can read that folder can read the secrets (docs/security/VAULT.md)");
    }

    /**
     * @param keys the store
     * @param warning what a person should know about it (the file fallback's risk), or null
     */
    record Choice(VaultKeys keys, String warning) {}
}
