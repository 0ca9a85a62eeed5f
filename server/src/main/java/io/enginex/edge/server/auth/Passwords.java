package io.enginex.edge.server.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

    /**
     * Shortest password accepted, in characters (Unicode code points after NFKC): NIST SP 800-63B
     * rev. 4 asks for at least 15 when the password is the only factor, as it is here.
     */
    public static final int MIN_LENGTH = 15;

    /** Longest password accepted: far above NIST's "at least 64", and a bound on hashing work. */
    public static final int MAX_LENGTH = 1024;

    /** Words never allowed inside a password of this hub, besides the user's own email. */
    private static final List<String> SERVICE_WORDS = List.of("enginex");

    private static final Set<String> BLOCKLIST = loadBlocklist();
    private static final Pattern DECORATION = Pattern.compile("[\\p{N}\\p{P}\\p{S}\\s]+");
    private static final Pattern REPEATED = Pattern.compile("(.+?)\\1+", Pattern.DOTALL);

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

    /**
     * A password as it is checked and hashed: NFKC-normalised (NIST SP 800-63B 3.1.1.2), so the same
     * text typed on different keyboards or input methods is the same password. ASCII is unchanged.
     */
    public static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
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
        return weakness(password, null);
    }

    /**
     * The hub's password policy, after NIST SP 800-63B: a length of {@value #MIN_LENGTH} to {@value
     * #MAX_LENGTH} characters of any printable Unicode (spaces too), no composition rules, not a
     * commonly used or breached password ({@code common-passwords.txt}, also with digits or symbols
     * added, or repeated), not one character or word repeated, and not containing the user's email or
     * its parts, nor the service's name.
     *
     * @param email the user's email (its parts may not appear in the password), or null
     * @return null if acceptable, else which rule it breaks (for a 400 message)
     */
    public static String weakness(String password, String email) {
        String p = normalize(password);
        int length = p.codePointCount(0, p.length());
        if (length < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters (it has " + length
                    + "); a few unrelated words make a good one";
        }
        if (length > MAX_LENGTH) {
            return "a password may have at most " + MAX_LENGTH + " characters";
        }
        if (p.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL)) {
            return "a password may not contain control characters (such as tabs or line breaks)";
        }
        String lower = p.toLowerCase(Locale.ROOT);
        String compact = lower.replaceAll("\\s+", "");
        String core = DECORATION.matcher(lower).replaceAll("");
        Matcher repeated = REPEATED.matcher(compact);
        if (BLOCKLIST.contains(lower)
                || BLOCKLIST.contains(compact)
                || BLOCKLIST.contains(core)
                || (repeated.matches() && (repeated.group(1).length() <= 3 || BLOCKLIST.contains(repeated.group(1))))) {
            return "this password is in the list of commonly used or breached passwords (or repeats one word or"
                    + " character); choose one nobody else is likely to use";
        }
        for (String word : contextWords(email)) {
            if (compact.contains(word)) {
                return "a password may not contain your email address, a part of it, or the service's name (" + word
                        + ")";
            }
        }
        return null;
    }

    /** The email, its local part and the pieces of both (at least 4 characters), and the service's name. */
    private static List<String> contextWords(String email) {
        List<String> words = new ArrayList<>(SERVICE_WORDS);
        if (email != null) {
            String e = email.strip().toLowerCase(Locale.ROOT);
            words.add(e);
            for (String piece : e.split("[@._+\\-]+")) {
                if (piece.length() >= 4
                        && !List.of("mail", "example", "email", "info").contains(piece)) {
                    words.add(piece);
                }
            }
            int at = e.indexOf('@');
            if (at >= 3) {
                words.add(e.substring(0, at));
            }
        }
        return words;
    }

    private static Set<String> loadBlocklist() {
        try (InputStream in = Passwords.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing from the hub's jar; rebuild it");
            }
            Set<String> words = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String word = line.strip().toLowerCase(Locale.ROOT);
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word);
                    words.add(word.replace(" ", ""));
                }
            }
            return Set.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the password blocklist", e);
        }
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
        byte[] pw = normalize(password).getBytes(StandardCharsets.UTF_8);
        try {
            generator.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
