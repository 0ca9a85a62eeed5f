package io.enginex.edge.server.packages;

import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.auth.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hub's package signing key: an OpenPGP key (RSA 3072, signing only) in a GnuPG home of its own,
 * {@code <data-dir>/packages/gnupg} (owner-only), made on first use. Its secret part is encrypted by
 * GnuPG with a passphrase derived from the hub secret ({@code hub.secret}, HMAC-SHA256), so a copy of the
 * key ring alone (a backup, a stray archive) cannot sign; the passphrase reaches gpg on its standard
 * input, never on a command line. It signs the apt repository's Release files, the dnf repository's
 * metadata, the rpms and each download's detached signature. Not thread-safe: one publish at a time.
 *
 * <p>Rotation ({@link #rotate}) adds a newer key to the same home. Until the older one is retired
 * ({@link #retire}), every index and detached signature carries a signature of each key, and the exported
 * keyring holds both, so machines that trust either key keep updating while IT hands out the new one;
 * rpms carry one signature, the newest key's.
 */
public final class SigningKey {
    static final String USER_ID = "EngineX hub package signing key";
    private static final String GPG_PACKAGE = "gnupg";

    private final Path home;
    private final byte[] passphrase;
    private final String fingerprint;
    private final List<String> retiring;

    private SigningKey(Path home, byte[] passphrase, List<String> newestFirst) {
        this.home = home;
        this.passphrase = passphrase;
        this.fingerprint = newestFirst.getFirst();
        this.retiring = List.copyOf(newestFirst.subList(1, newestFirst.size()));
    }

    /** Opens the key in {@code dataDir}, making it first if there is none. */
    public static SigningKey openOrCreate(Path dataDir, HubSecret secret) {
        Path home = dataDir.resolve("packages").resolve("gnupg");
        try {
            OwnerOnlyFiles.directory(home.getParent());
            OwnerOnlyFiles.directory(home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + home + ": " + e.getMessage(), e);
        }
        byte[] passphrase = passphrase(secret);
        if (secretFingerprints(home).isEmpty()) {
            generate(home, passphrase);
        }
        return new SigningKey(home, passphrase, secretFingerprints(home));
    }

    /**
     * Adds a new key that signs from now on; this key (and any other older one) keeps signing beside it
     * until retired. Returns the key with the new one in use; close this one.
     */
    SigningKey rotate() {
        int before = secretFingerprints(home).size();
        generate(home, passphrase);
        List<String> keys = secretFingerprints(home);
        if (keys.size() != before + 1) {
            throw new IllegalStateException("gpg made no new key in " + home);
        }
        return new SigningKey(home, passphrase, keys);
    }

    /**
     * Deletes an older key that this one still signs beside: after this, only machines that trust a newer
     * key update. Returns the key without it; close this one.
     *
     * @throws IllegalArgumentException if {@code retired} is the key in use, or not one of this hub's keys
     */
    SigningKey retire(String retired) {
        String wanted = retired.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
        if (wanted.equals(fingerprint)) {
            throw new IllegalArgumentException(retired + " is the key in use, the newest: rotate first"
                    + " (engine packages key rotate), hand the new key to the machines, then retire this one");
        }
        if (!retiring.contains(wanted)) {
            throw new IllegalArgumentException(retired + " is not one of this hub's package keys; engine packages key"
                    + " lists them" + (retiring.isEmpty() ? " (there is only the key in use)" : ": " + retiring));
        }
        gpg(home, null, "--delete-secret-and-public-key", wanted);
        return new SigningKey(home, passphrase, secretFingerprints(home));
    }

    /** The fingerprint (40 hex digits) of the key in use, the newest, as customers compare it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Older keys that still sign beside the key in use, newest first (empty outside a rotation). */
    public List<String> retiring() {
        return retiring;
    }

    /**
     * The public keys (the one in use and the retiring ones), binary (for /etc/apt/keyrings) or
     * ASCII-armored (for rpm --import and dnf).
     */
    public byte[] publicKey(boolean armored) {
        List<String> args = new ArrayList<>(armored ? List.of("--armor", "--export") : List.of("--export"));
        args.addAll(all());
        return gpg(home, null, args.toArray(String[]::new));
    }

    private List<String> all() {
        List<String> all = new ArrayList<>(List.of(fingerprint));
        all.addAll(retiring);
        return all;
    }

    /** --local-user for each key: gpg writes one signature per key into the same output. */
    private List<String> signers() {
        List<String> args = new ArrayList<>(List.of("--digest-algo", "SHA256"));
        for (String key : all()) {
            args.addAll(List.of("--local-user", key));
        }
        return args;
    }

    /** Writes {@code out}: {@code in} with a clear-text signature (apt's InRelease). */
    void clearSign(Path in, Path out) {
        List<String> args = signers();
        args.addAll(List.of("--clearsign", "--output", out.toString(), in.toString()));
        gpg(home, passphrase, args.toArray(String[]::new));
    }

    /** Writes {@code out}: a detached signature of {@code in}, ASCII-armored or binary. */
    void detachSign(Path in, Path out, boolean armored) {
        List<String> args = signers();
        if (armored) {
            args.add("--armor");
        }
        args.addAll(List.of("--detach-sign", "--output", out.toString(), in.toString()));
        gpg(home, passphrase, args.toArray(String[]::new));
    }

    /**
     * Signs rpms in place with rpmsign (the signature rpm and dnf check with the key from {@link
     * #publicKey}). The passphrase is in a file in the owner-only GnuPG home for the moment rpmsign runs.
     */
    void signRpms(List<Path> rpms) {
        if (rpms.isEmpty()) {
            return;
        }
        Path file = home.resolve(".rpmsign-passphrase");
        try {
            Files.deleteIfExists(file);
            OwnerOnlyFiles.writeNew(file, passphrase);
            List<String> command = new ArrayList<>(List.of(
                    "rpmsign",
                    // rpm's default is gpg2, a name Debian and Ubuntu do not install
                    "--define",
                    "__gpg " + onPath("gpg"),
                    "--define",
                    "_gpg_name " + fingerprint,
                    "--define",
                    "_gpg_path " + home,
                    "--define",
                    "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase-file " + file,
                    "--addsign"));
            rpms.forEach(p -> command.add(p.toString()));
            ExternalTool.run(command, "rpm", null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // owner-only, in an owner-only folder; the next run deletes it first
            }
        }
    }

    /** Ends the gpg-agent this key's home started (each publish is a short-lived process). */
    public void close() {
        try {
            ExternalTool.run(
                    List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"), GPG_PACKAGE, null, null);
        } catch (ExternalTool.ToolException e) {
            // no agent was running
        }
    }

    private static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new ExternalTool.ToolException(
                program + " is not on the PATH; install it: apt-get install " + GPG_PACKAGE);
    }

    private static void generate(Path home, byte[] passphrase) {
        gpg(home, passphrase, "--quick-gen-key", USER_ID, "rsa3072", "sign", "never");
    }

    /** The secret keys' fingerprints, newest first (keys made in the same second: the later one first). */
    private static List<String> secretFingerprints(Path home) {
        String listing = new String(gpg(home, null, "--with-colons", "--list-secret-keys"), StandardCharsets.UTF_8);
        record Made(String fingerprint, long created, int order) {}
        List<Made> keys = new ArrayList<>();
        long created = 0;
        boolean inSecretKey = false;
        for (String line : listing.split("\n")) {
            String[] fields = line.split(":", -1);
            if (line.startsWith("sec:")) {
                inSecretKey = true;
                created = fields[5].isEmpty() ? 0 : Long.parseLong(fields[5]);
            } else if (line.startsWith("ssb:")) {
                inSecretKey = false;
            } else if (line.startsWith("fpr:") && inSecretKey) {
                keys.add(new Made(fields[9], created, keys.size()));
                inSecretKey = false;
            }
        }
        return keys.stream()
                .sorted(java.util.Comparator.comparingLong(Made::created)
                        .thenComparingInt(Made::order)
                        .reversed())
                .map(Made::fingerprint)
                .toList();
    }

    private static byte[] gpg(Path home, byte[] passphrase, String... args) {
        List<String> command = new ArrayList<>(
                List.of("gpg", "--homedir", home.toString(), "--batch", "--yes", "--no-tty", "--quiet"));
        if (passphrase != null) {
            command.addAll(List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0"));
        }
        command.addAll(List.of(args));
        return ExternalTool.run(command, GPG_PACKAGE, null, passphrase);
    }

    private static byte[] passphrase(HubSecret secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA256"));
            byte[] derived = mac.doFinal("enginex package signing key passphrase v1".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(derived).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
