package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Windows: the JDK cannot tell who is on the other end of an AF_UNIX socket there (no SO_PEERCRED), so a
 * session part proves its user with a token only that user can read. At each start the service makes a
 * random token for every account in {@code session-users} in {@code <folder>\<user>.token}, readable by
 * that user, SYSTEM and Administrators alone ({@link TokenAcl}), in a folder that lists nothing to users;
 * with {@code session-users = *} it makes one the first time a user asks. The first frame (hello or login)
 * must carry the token of the user it names; the comparison is in constant time. An unknown user's token
 * never exists, and tokens die with the service (new ones at each start).
 *
 * <p>Thread-safe: tokens are made under a lock; checks read a snapshot.
 */
public final class TokenProof implements PeerProof {
    private static final Logger log = LoggerFactory.getLogger(TokenProof.class);

    /** A plain account name (no domain, no path): what {@code user.name} is on Windows. */
    static final Pattern USER_NAME =
            Pattern.compile("(?i)(?!(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$)(?!\\.)[\\p{L}\\p{N}._ $@-]{1,104}");

    private final Path folder;
    private final TokenAcl acl;
    private final SecureRandom random;
    private final ReentrantLock making = new ReentrantLock();
    // Windows account names ignore case.
    private volatile Map<String, byte[]> tokens = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    /**
     * @param folder where the token files go ({@code <base>\run\sessions}); made when missing
     */
    public TokenProof(Path folder, TokenAcl acl, SecureRandom random) {
        this.folder = folder;
        this.acl = acl;
        this.random = random;
    }

    /** The file that holds {@code user}'s token under {@code folder} (what the session part reads). */
    public static Path tokenFile(Path folder, String user) {
        return folder.resolve(user + ".token");
    }

    /** The folder of tokens beside {@code socket}: {@code <run>\sessions}. */
    public static Path folderOf(Path socket) {
        Path run = socket.getParent() != null
                ? socket.getParent()
                : socket.toAbsolutePath().getParent();
        return run.resolve("sessions");
    }

    /**
     * Removes the tokens of the last start and makes one for each user {@code access} names. A token's
     * own ACL is what keeps it from other users; the folder's only keeps them from listing names.
     *
     * @throws IOException when the folder cannot be made or restricted
     */
    @Override
    public void start(SessionAccess access) throws IOException {
        if (Files.notExists(folder)) {
            // Made here (an archive install): restricted to this account, SYSTEM and Administrators. One that
            // service install or the MSI made keeps the ACL they gave it (icacls by SID, with this account
            // in it); rewriting it from here could drop the entry this account needs to make tokens.
            Files.createDirectories(folder);
            acl.restrictFolder(folder);
        }
        try (var old = Files.list(folder)) {
            for (Path file : old.filter(p -> p.toString().endsWith(".token")).toList()) {
                Files.deleteIfExists(file);
            }
        }
        for (String user : access.users()) {
            issue(user);
        }
    }

    @Override
    public void listening(Path socket) {
        // Connecting needs write access to the socket file: the run folder's ACL (set by service install
        // and the MSI) hands it to Users for the files made in it. Who connects is proven per frame.
    }

    @Override
    public Optional<String> atConnect(SocketChannel channel) {
        return Optional.empty();
    }

    @Override
    public Claim check(JsonNode frame, SessionAccess access) {
        String user = frame.path("user").asText("");
        if (!USER_NAME.matcher(user).matches()) {
            return Claim.refused("unknown", "the first frame names no valid user (" + shortened(user) + ")");
        }
        Map<String, byte[]> known = tokens;
        byte[] token = known.get(user);
        if (token == null) {
            String refusal = access.refusal(user);
            if (refusal != null) {
                return Claim.refused(user, refusal);
            }
            Path file = issue(user);
            if (file == null) {
                return Claim.refused(
                        user,
                        "the service could not make a session token for user " + user
                                + " (see its log); is that an account of this machine or its domain?");
            }
            return new Claim(user, null, file);
        }
        String canonical = ((TreeMap<String, byte[]>) known).ceilingKey(user);
        byte[] given = frame.path("token").asText("").getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(token, given)) {
            return Claim.refused(
                    canonical,
                    "the first frame does not carry the session token of user " + canonical + " (the token in "
                            + tokenFile(folder, canonical) + ", readable by that user only)");
        }
        return new Claim(canonical, access.refusal(canonical), null);
    }

    /** Makes {@code user}'s token anew; null when the user is unknown or the file cannot be made. */
    private Path issue(String user) {
        if (!USER_NAME.matcher(user).matches()) {
            log.atWarn()
                    .addKeyValue("user", shortened(user))
                    .log("no session token for a name that is not a plain account name");
            return null;
        }
        Path file = tokenFile(folder, user);
        making.lock();
        try {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // An account the system does not know gets no file at all.
            var principal = acl.principal(user);
            Files.deleteIfExists(file);
            // Made empty (the folder's ACL lets no user read it), restricted, then written.
            Files.createFile(file);
            try {
                acl.restrictToken(file, principal);
            } catch (IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            Files.writeString(file, token, StandardCharsets.US_ASCII);
            TreeMap<String, byte[]> next = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            next.putAll(tokens);
            next.put(user, token.getBytes(StandardCharsets.US_ASCII));
            tokens = next;
            log.atInfo().addKeyValue("user", user).addKeyValue("file", file).log("made a session token");
            return file;
        } catch (IOException e) {
            log.atWarn()
                    .addKeyValue("user", user)
                    .log("no session token for this user (unknown account, or the folder is not writable): "
                            + e.getMessage());
            return null;
        } finally {
            making.unlock();
        }
    }

    @Override
    public void close() {
        making.lock();
        try {
            for (String user : tokens.keySet()) {
                Files.deleteIfExists(tokenFile(folder, user));
            }
            tokens = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        } catch (IOException e) {
            log.atDebug().log("removing session tokens: " + e.getMessage());
        } finally {
            making.unlock();
        }
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
