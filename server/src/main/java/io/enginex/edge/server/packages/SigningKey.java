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
 */
public final class SigningKey {
    static final String USER_ID = "EngineX hub package signing key";
    private static final String GPG_PACKAGE = "gnupg";

    private final Path home;
    private final byte[] passphrase;
    private final String fingerprint;

    private SigningKey(Path home, byte[] passphrase, String fingerprint) {
        this.home = home;
        this.passphrase = passphrase;
        this.fingerprint = fingerprint;
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
        String fingerprint = secretFingerprint(home);
        if (fingerprint == null) {
            gpg(home, passphrase, "--quick-gen-key", USER_ID, "rsa3072", "sign", "never");
            fingerprint = secretFingerprint(home);
            if (fingerprint == null) {
                throw new IllegalStateException("gpg made no key in " + home);
            }
        }
        return new SigningKey(home, passphrase, fingerprint);
    }

    /** The key's fingerprint (40 hex digits), as customers compare it. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The public key, binary (for /etc/apt/keyrings) or ASCII-armored (for rpm --import and dnf). */
    public byte[] publicKey(boolean armored) {
        return armored ? gpg(home, null, "--armor", "--export", fingerprint) : gpg(home, null, "--export", fingerprint);
    }

    /** Writes {@code out}: {@code in} with a clear-text signature (apt's InRelease). */
    void clearSign(Path in, Path out) {
        gpg(
                home,
                passphrase,
                "--digest-algo",
                "SHA256",
                "--local-user",
                fingerprint,
                "--clearsign",
                "--output",
                out.toString(),
                in.toString());
    }

    /** Writes {@code out}: a detached signature of {@code in}, ASCII-armored or binary. */
    void detachSign(Path in, Path out, boolean armored) {
        List<String> args = new ArrayList<>(List.of("--digest-algo", "SHA256", "--local-user", fingerprint));
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

    private static String secretFingerprint(Path home) {
        String listing = new String(gpg(home, null, "--with-colons", "--list-secret-keys"), StandardCharsets.UTF_8);
        boolean inSecretKey = false;
        for (String line : listing.split("\n")) {
            if (line.startsWith("sec:")) {
                inSecretKey = true;
            } else if (line.startsWith("fpr:") && inSecretKey) {
                return line.split(":")[9];
            }
        }
        return null;
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
