package io.enginex.edge.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (RFC 9106) from BouncyCastle, which the hub already ships for its
 * certificates: no new dependency, and a maintained, constant-time implementation. Hashes are PHC
 * strings ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}), so parameters can be raised later
 * and old hashes still verify.
 *
 * <p>The default parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane), about 30–60
 * ms per hash on one core. Thread-safe.
 */
public final class Passwords {
    /** OWASP Password Storage Cheat Sheet minimum for Argon2id. */
    public static final Params DEFAULT = new Params(19 * 1024, 2, 1);

    /** Shortest password accepted. */
    public static final int MIN_LENGTH = 12;

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** Argon2id cost: memory in KiB, passes, lanes. */
    public record Params(int memoryKib, int iterations, int parallelism) {}

    private final SecureRandom random;
    private final Params params;
    private final String dummyHash;

    public Passwords(SecureRandom random, Params params) {
        this.random = random;
        this.params = params;
        // Verified against when a login names no user, so that case costs the same time.
        this.dummyHash = hash("not a password of anyone");
    }

    /** The PHC string of a new salted hash of {@code password}. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, params);
        return "$argon2id$v=19$m=" + params.memoryKib() + ",t=" + params.iterations() + ",p=" + params.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Whether {@code password} matches {@code phc}; false for a malformed hash. A null {@code phc}
     * (no such user) is checked against a dummy hash, so it takes as long and returns false.
     */
    public boolean verify(String password, String phc) {
        Matcher m = PHC.matcher(phc == null ? dummyHash : phc);
        if (!m.matches()) {
            return false;
        }
        Params p = new Params(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, B64D.decode(m.group(4)), p);
        return MessageDigest.isEqual(expected, actual) && phc != null;
    }

    /** A random password for a person to change: 24 characters of base64url (144 bits). */
    public String generate() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return null if acceptable, else what is wrong with it (for a 400 message) */
    public static String weakness(String password) {
        if (password.length() < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters";
        }
        if (password.length() > 1024) {
            return "a password may have at most 1024 characters";
        }
        return null;
    }

    private static byte[] derive(String password, byte[] salt, Params p) {
        var generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build());
        byte[] out = new byte[HASH_BYTES];
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            generator.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
